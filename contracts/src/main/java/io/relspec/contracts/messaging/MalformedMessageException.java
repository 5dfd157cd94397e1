package io.relspec.contracts.messaging;

/** A message body that is not valid JSON for its type; never retried, always dead-lettered. */
public final class MalformedMessageException extends RuntimeException {
  public MalformedMessageException(String type, Throwable cause) {
    super("malformed " + type + ": " + firstLine(cause), cause);
  }

  private static String firstLine(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
