package io.relspec.scheduler.ui;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The web UI at {@code /ui}. */
@ConfigMapping(prefix = "relspec.ui")
public interface UiConfig {
  /** Whether {@code /ui} is served at all; when false every UI path answers 404. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Most nodes the graph page draws: a larger selection shows a search box instead, so a
   * 10,000-task catalog is explored by focusing on one node's neighbourhood.
   */
  @WithDefault("1500")
  int maxGraphNodes();

  /** How often a live run page is refreshed over server-sent events. */
  @WithDefault("500ms")
  Duration liveInterval();

  /** Most live run pages served at once; more are refused with 503 and fall back to reloads. */
  @WithDefault("64")
  int maxLiveStreams();

  /** Longest a live run page stays connected; the browser reconnects after it. */
  @WithDefault("1h")
  Duration maxLiveDuration();
}
