package io.relspec.scheduler.ui;

import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.platform.security.UiSessions;
import io.relspec.scheduler.runs.RunQueries;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * A run page's live updates as server-sent events: every {@code relspec.ui.live-interval} the run's
 * live fragment is rendered and, when it changed, sent as event {@code run} (htmx swaps it in);
 * when the run has finished, the last fragment is followed by {@code closed}, which makes the page
 * close the stream instead of reconnecting.
 */
@Path("/ui/runs/{id}/events")
@PermitAll
public class RunEvents {
  private static final Logger LOG = Logger.getLogger(RunEvents.class);

  private final UiAccess access;
  private final UiConfig config;
  private final RunQueries queries;
  private final LiveRunView live;
  private final AtomicInteger open = new AtomicInteger();
  private final ScheduledExecutorService poller =
      Executors.newScheduledThreadPool(
          1,
          runnable -> {
            Thread thread = new Thread(runnable, "ui-live-runs");
            thread.setDaemon(true);
            return thread;
          });

  public RunEvents(UiAccess access, UiConfig config, RunQueries queries, LiveRunView live) {
    this.access = access;
    this.config = config;
    this.queries = queries;
    this.live = live;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public Multi<OutboundSseEvent> events(
      @CookieParam(UiSessions.COOKIE) String session,
      @PathParam("id") String id,
      @Context Sse sse) {
    UiAccess.Viewer viewer = access.viewer(session);
    queries.summary(id); // an unknown run fails here, before the stream opens
    if (open.incrementAndGet() > config.maxLiveStreams()) {
      open.decrementAndGet();
      throw new jakarta.ws.rs.ServiceUnavailableException(
          "too many live run pages are open (relspec.ui.max-live-streams); reload to refresh");
    }
    Instant until = Instant.now().plus(config.maxLiveDuration());
    return Multi.createFrom()
        .<OutboundSseEvent>emitter(emitter -> stream(emitter, id, viewer, sse, until))
        .onTermination()
        .invoke(open::decrementAndGet);
  }

  private void stream(
      MultiEmitter<? super OutboundSseEvent> emitter,
      String id,
      UiAccess.Viewer viewer,
      Sse sse,
      Instant until) {
    AtomicReference<String> last = new AtomicReference<>();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable tick =
        () -> {
          if (emitter.isCancelled()) {
            task.get().cancel(false);
            return;
          }
          try {
            RunStatus run = queries.status(id);
            String fragment = live.render(run, viewer).replace("\r", "").replace("\n", "&#10;");
            if (!fragment.equals(last.getAndSet(fragment))) {
              emitter.emit(sse.newEventBuilder().name("run").data(fragment).build());
            }
            if (run.state().isTerminal() || Instant.now().isAfter(until)) {
              if (run.state().isTerminal()) {
                emitter.emit(sse.newEventBuilder().name("closed").data(run.state().name()).build());
              }
              emitter.complete();
              task.get().cancel(false);
            }
          } catch (RuntimeException e) {
            LOG.debugf(e, "live updates of run %s stopped", id);
            emitter.fail(e);
            task.get().cancel(false);
          }
        };
    synchronized (task) {
      task.set(
          poller.scheduleWithFixedDelay(
              () -> {
                synchronized (task) {
                  tick.run();
                }
              },
              0,
              config.liveInterval().toMillis(),
              TimeUnit.MILLISECONDS));
    }
    emitter.onTermination(() -> task.get().cancel(false));
  }

  @PreDestroy
  void stop() {
    poller.shutdownNow();
  }
}
