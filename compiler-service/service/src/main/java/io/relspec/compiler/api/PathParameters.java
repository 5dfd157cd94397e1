package io.relspec.compiler.api;

import io.relspec.compiler.CompilerErrorCode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.Identifiers;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.error.RelspecException;

/** Path parameters checked before use, so a malformed name is a 400 naming the parameter. */
final class PathParameters {
  private PathParameters() {}

  static TaskName task(String value) {
    return TaskName.of(checked(value, "task"));
  }

  static DatasetName dataset(String value) {
    return DatasetName.of(checked(value, "dataset"));
  }

  private static String checked(String value, String what) {
    if (value == null || !Identifiers.isName(value)) {
      throw new RelspecException(
          CompilerErrorCode.INVALID_REQUEST,
          what
              + " '"
              + value
              + "' is not a valid name (lower-case letters, digits and _, optionally dotted)");
    }
    return value;
  }
}
