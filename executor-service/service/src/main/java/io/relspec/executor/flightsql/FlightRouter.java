package io.relspec.executor.flightsql;

import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.FlightSqlUtils;

/**
 * One Flight port, two services: Flight SQL commands (a packed {@code arrow.flight.protocol.sql}
 * message in a command descriptor or ticket, or a Flight SQL action) go to the SQL service, every
 * other call to the dataset service. Without a SQL service, SQL commands answer UNIMPLEMENTED.
 */
public final class FlightRouter implements FlightProducer {
  private final FlightProducer datasets;
  private final FlightSqlProducer sql;

  /**
   * @param sql the Flight SQL service, or null when it is disabled
   */
  public FlightRouter(FlightProducer datasets, FlightSqlProducer sql) {
    this.datasets = datasets;
    this.sql = sql;
  }

  private static boolean isSql(FlightDescriptor descriptor) {
    return descriptor != null
        && descriptor.isCommand()
        && FlightSqlService.isCommand(descriptor.getCommand());
  }

  private FlightSqlProducer sql() {
    if (sql == null) {
      throw CallStatus.UNIMPLEMENTED
          .withDescription("Flight SQL is disabled on this executor (relspec.executor.flight.sql)")
          .toRuntimeException();
    }
    return sql;
  }

  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
    if (FlightSqlService.isCommand(ticket.getBytes())) {
      try {
        sql().getStream(context, ticket, listener);
      } catch (FlightRuntimeException e) {
        listener.error(e);
      }
    } else {
      datasets.getStream(context, ticket, listener);
    }
  }

  @Override
  public void listFlights(
      CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    datasets.listFlights(context, criteria, listener);
  }

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    return isSql(descriptor)
        ? sql().getFlightInfo(context, descriptor)
        : datasets.getFlightInfo(context, descriptor);
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    return isSql(descriptor)
        ? sql().getSchema(context, descriptor)
        : datasets.getSchema(context, descriptor);
  }

  @Override
  public Runnable acceptPut(
      CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    if (isSql(flightStream.getDescriptor())) {
      if (sql == null) {
        return () -> ackStream.onError(unimplemented());
      }
      return sql.acceptPut(context, flightStream, ackStream);
    }
    return datasets.acceptPut(context, flightStream, ackStream);
  }

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    boolean sqlAction =
        FlightSqlUtils.FLIGHT_SQL_ACTIONS.stream()
            .anyMatch(type -> type.getType().equals(action.getType()));
    if (sqlAction) {
      if (sql == null) {
        listener.onError(unimplemented());
        return;
      }
      sql.doAction(context, action, listener);
    } else {
      datasets.doAction(context, action, listener);
    }
  }

  @Override
  public void listActions(CallContext context, StreamListener<ActionType> listener) {
    datasets.listActions(
        context,
        new StreamListener<>() {
          @Override
          public void onNext(ActionType type) {
            listener.onNext(type);
          }

          @Override
          public void onError(Throwable t) {
            listener.onError(t);
          }

          @Override
          public void onCompleted() {
            if (sql != null) {
              FlightSqlUtils.FLIGHT_SQL_ACTIONS.forEach(listener::onNext);
            }
            listener.onCompleted();
          }
        });
  }

  private static FlightRuntimeException unimplemented() {
    return CallStatus.UNIMPLEMENTED
        .withDescription("Flight SQL is disabled on this executor (relspec.executor.flight.sql)")
        .toRuntimeException();
  }
}
