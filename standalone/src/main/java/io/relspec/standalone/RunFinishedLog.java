package io.relspec.standalone;

import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.messaging.RunFinished;
import io.relspec.platform.messaging.InMemoryProcessedMessages;
import io.relspec.platform.messaging.InboundMessages;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * In the distributed suite RunFinished goes to the broker for external consumers; in one JVM there
 * is no broker, so the standalone app is its consumer and reports finished runs on the console.
 */
@ApplicationScoped
public class RunFinishedLog {
  private static final Logger LOG = Logger.getLogger(RunFinishedLog.class);
  private final InboundMessages inbound =
      new InboundMessages("standalone", new InMemoryProcessedMessages(1_000));

  @Incoming("run-finished")
  public CompletionStage<Void> consume(Message<Object> message) {
    return inbound.handle(
        message,
        RunFinished.class,
        finished -> LOG.infof("run finished: %s", RelspecJson.write(finished)));
  }
}
