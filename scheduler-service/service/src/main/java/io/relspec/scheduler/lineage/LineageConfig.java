package io.relspec.scheduler.lineage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** OpenLineage emission: names, the HTTP forwarder (Marquez or any OpenLineage endpoint). */
@ConfigMapping(prefix = "relspec.openlineage")
public interface LineageConfig {
  /** Whether run, task-run and catalog events are emitted. */
  @WithDefault("true")
  boolean enabled();

  /** This Relspec's name in the default dataset namespace {@code relspec://<instance>}. */
  @WithDefault("local")
  String instance();

  /** Dataset namespace; default {@code relspec://<instance>}. */
  Optional<String> namespace();

  /** The topic exchange the distributed scheduler publishes to (the channel's exchange name). */
  @WithDefault("relspec.lineage")
  String exchange();

  /** Job namespace of runs and tasks. */
  @WithDefault("relspec")
  String jobNamespace();

  /**
   * An OpenLineage HTTP endpoint every event is also POSTed to, in order, with retries (Marquez:
   * {@code http://marquez:5000/api/v1/lineage}).
   */
  Optional<URI> url();

  /** Bearer token sent to {@link #url()}, if it needs one. */
  Optional<String> apiKey();

  /** Timeout of one POST. */
  @WithDefault("10s")
  Duration timeout();

  /** Longest wait between attempts while the endpoint fails (doubling from one poll interval). */
  @WithDefault("1m")
  Duration backoffMax();

  /** How often pending events are published and forwarded. */
  @WithDefault("1s")
  Duration pollInterval();

  /** How long events already delivered are kept in the scheduler's database. */
  @WithDefault("1h")
  Duration retention();

  default String datasetNamespace() {
    return namespace().orElse("relspec://" + instance());
  }
}
