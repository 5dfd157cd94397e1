package io.relspec.executor.flight;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Ticket;

/**
 * What a DoGet ticket names: a dataset, optionally one version (the newest otherwise) and one
 * file-id partition. Encoded as JSON, e.g. {@code {"dataset":"cst_defs","version":3,
 * "fileId":"f-001"}}, so clients can write their own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetTicket(String dataset, Long version, String fileId) {
  private static final int MAX_TICKET_BYTES = 4096;

  public Ticket toTicket() {
    try {
      return new Ticket(RelspecJson.mapper().writeValueAsBytes(this));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a ticket", e);
    }
  }

  public DatasetName datasetName() {
    return DatasetName.of(dataset);
  }

  static DatasetTicket parse(Ticket ticket) {
    byte[] bytes = ticket.getBytes();
    if (bytes.length > MAX_TICKET_BYTES) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("a ticket is at most " + MAX_TICKET_BYTES + " bytes")
          .toRuntimeException();
    }
    DatasetTicket parsed;
    try {
      parsed = RelspecJson.mapper().readValue(bytes, DatasetTicket.class);
    } catch (IOException e) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription(
              "a ticket is JSON {\"dataset\": name, \"version\": n?, \"fileId\": id?}, got '"
                  + new String(bytes, StandardCharsets.UTF_8)
                  + "'")
          .toRuntimeException();
    }
    if (parsed.dataset() == null || !Identifiers.isName(parsed.dataset())) {
      throw CallStatus.INVALID_ARGUMENT
          .withDescription("'" + parsed.dataset() + "' is not a dataset name")
          .toRuntimeException();
    }
    return parsed;
  }
}
