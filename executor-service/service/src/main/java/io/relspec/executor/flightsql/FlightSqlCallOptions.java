package io.relspec.executor.flightsql;

import java.time.Duration;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/** Reads the pin and deadline headers of each call. */
public final class FlightSqlCallOptions implements FlightServerMiddleware {
  public static final FlightServerMiddleware.Key<FlightSqlCallOptions> KEY =
      FlightServerMiddleware.Key.of("relspec-sql-options");

  private final QueryNames.Pin pin;
  private final Duration timeout;

  private FlightSqlCallOptions(QueryNames.Pin pin, Duration timeout) {
    this.pin = pin;
    this.timeout = timeout;
  }

  QueryNames.Pin pin() {
    return pin;
  }

  Duration timeout() {
    return timeout;
  }

  private static Duration timeout(String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return null;
    }
    try {
      double value = Double.parseDouble(seconds.strip());
      if (value > 0 && value <= 365 * 86_400) {
        return Duration.ofMillis(Math.max(1, Math.round(value * 1000)));
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw CallStatus.INVALID_ARGUMENT
        .withDescription(FlightSqlService.TIMEOUT_HEADER + " is a positive number of seconds")
        .toRuntimeException();
  }

  /** Creates the middleware of each call. */
  public static final class Factory
      implements FlightServerMiddleware.Factory<FlightSqlCallOptions> {
    @Override
    public FlightSqlCallOptions onCallStarted(
        CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String run = blankToNull(incomingHeaders.get(FlightSqlService.RUN_HEADER));
      String snapshot = blankToNull(incomingHeaders.get(FlightSqlService.SNAPSHOT_HEADER));
      if (run != null && snapshot != null) {
        throw CallStatus.INVALID_ARGUMENT
            .withDescription("pin a run or a catalog snapshot, not both")
            .toRuntimeException();
      }
      return new FlightSqlCallOptions(
          new QueryNames.Pin(run, snapshot),
          timeout(incomingHeaders.get(FlightSqlService.TIMEOUT_HEADER)));
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.strip();
    }
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}
}
