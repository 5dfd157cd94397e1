package io.relspec.compiler.messaging;

import io.relspec.compiler.plans.CompilationService;
import io.relspec.contracts.messaging.SnapshotPublished;
import io.relspec.platform.messaging.InMemoryProcessedMessages;
import io.relspec.platform.messaging.InboundMessages;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Compiles every published snapshot. */
@ApplicationScoped
public class SnapshotPublishedConsumer {
  private final CompilationService compilation;
  private final InboundMessages inbound =
      new InboundMessages("compiler", new InMemoryProcessedMessages(10_000));

  public SnapshotPublishedConsumer(CompilationService compilation) {
    this.compilation = compilation;
  }

  @Incoming("snapshot-published")
  @Blocking(value = "relspec-compiler", ordered = true)
  public CompletionStage<Void> consume(Message<Object> message) {
    return inbound.handleAsync(message, SnapshotPublished.class, compilation::onSnapshotPublished);
  }
}
