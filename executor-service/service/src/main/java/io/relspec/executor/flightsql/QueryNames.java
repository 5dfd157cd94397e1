package io.relspec.executor.flightsql;

import io.relspec.contracts.api.DatasetDirectory;
import io.relspec.contracts.messaging.TaskRunRequested.InputLocation;
import io.relspec.contracts.messaging.TaskRunRequested.MacroDefinition;
import io.relspec.contracts.messaging.TaskRunRequested.ViewDefinition;
import io.relspec.contracts.model.DatasetName;
import io.relspec.executor.store.DatasetStore;
import io.relspec.executor.store.StoredDataset;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.arrow.flight.CallStatus;

/**
 * What an ad-hoc query may name: the datasets held here (newest versions), and with a scheduler
 * configured every dataset it knows of (held here or by another executor), the catalog's views and
 * functions; or, pinned to a run, exactly the versions that run read and wrote.
 */
public final class QueryNames {
  private final DatasetStore store;
  private final String executorId;
  private final Optional<Directory> scheduler;

  /** Where the scheduler says dataset versions live (see {@link #scope}). */
  @FunctionalInterface
  public interface Directory {
    /** Both null for the newest versions; otherwise a run's, or a catalog snapshot's. */
    DatasetDirectory locations(String run, String snapshot);
  }

  public QueryNames(DatasetStore store, String executorId, Optional<Directory> scheduler) {
    this.store = store;
    this.executorId = executorId;
    this.scheduler = scheduler;
  }

  /** A dataset version a query can read: held here when {@code flightUri} is null. */
  public record Located(DatasetName dataset, long version, String flightUri) {
    boolean local() {
      return flightUri == null;
    }
  }

  /**
   * What a query's versions are pinned to: a run (the versions it read and wrote), a catalog
   * snapshot (those of its newest succeeded run), or nothing (the newest versions).
   */
  public record Pin(String run, String snapshot) {
    public static final Pin NONE = new Pin(null, null);

    boolean none() {
      return run == null && snapshot == null;
    }

    @Override
    public String toString() {
      return run != null ? "run " + run : snapshot != null ? "catalog snapshot " + snapshot : "";
    }
  }

  /** The names in scope for one query, by lower-case dotted name. */
  public record Scope(
      Pin pin,
      Map<String, Located> datasets,
      Map<String, ViewDefinition> views,
      List<MacroDefinition> macros) {}

  /**
   * The names in scope now, or as {@code pin} left them.
   *
   * @throws org.apache.arrow.flight.FlightRuntimeException INVALID_ARGUMENT for a pin without a
   *     scheduler, NOT_FOUND for an unknown run or snapshot, UNAVAILABLE when the scheduler cannot
   *     be asked
   */
  public Scope scope(Pin pin) throws SQLException {
    DatasetDirectory directory = directory(pin);
    Map<String, Located> datasets = new TreeMap<>();
    if (pin.none()) {
      for (StoredDataset held : store.list()) {
        datasets.put(key(held.name()), new Located(held.name(), held.version(), null));
      }
    }
    Map<String, ViewDefinition> views = new LinkedHashMap<>();
    List<MacroDefinition> macros = List.of();
    if (directory != null) {
      for (InputLocation location : directory.datasets()) {
        if (location.version() == null) {
          continue;
        }
        String key = key(location.dataset());
        Located known = datasets.get(key);
        if (known != null && known.version() >= location.version()) {
          continue; // held here, at least as new (an upload the scheduler has not heard of yet)
        }
        boolean here =
            executorId.equals(location.executorId())
                || store.describe(location.dataset(), location.version()).isPresent();
        if (here) {
          datasets.put(key, new Located(location.dataset(), location.version(), null));
        } else if (location.flightUri() != null) {
          datasets.put(
              key, new Located(location.dataset(), location.version(), location.flightUri()));
        }
      }
      for (ViewDefinition view : directory.views()) {
        views.put(key(view.name()), view);
      }
      macros = directory.macros();
    }
    return new Scope(pin, datasets, views, macros);
  }

  private DatasetDirectory directory(Pin pin) {
    if (scheduler.isEmpty()) {
      if (!pin.none()) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription(
                "pinning a "
                    + (pin.run() != null ? "run" : "catalog snapshot")
                    + " needs the scheduler: configure relspec.executor.scheduler-url")
            .toRuntimeException();
      }
      return null;
    }
    try {
      return scheduler.get().locations(pin.run(), pin.snapshot());
    } catch (RelspecException e) {
      if (!pin.none() && e.errorCode() == PlatformErrorCode.NOT_FOUND) {
        throw CallStatus.NOT_FOUND
            .withDescription(
                pin.run() != null
                    ? "the scheduler knows no run '" + pin.run() + "' to pin"
                    : "the scheduler knows no succeeded run of catalog snapshot '"
                        + pin.snapshot()
                        + "' to pin")
            .toRuntimeException();
      }
      throw CallStatus.UNAVAILABLE
          .withDescription("cannot ask the scheduler where datasets live: " + e.getMessage())
          .toRuntimeException();
    }
  }

  static String key(DatasetName name) {
    return name.value().toLowerCase(Locale.ROOT);
  }
}
