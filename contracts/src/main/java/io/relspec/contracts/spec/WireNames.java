package io.relspec.contracts.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lower-case wire names for enums, with an error listing the accepted values. */
public final class WireNames {
  private WireNames() {}

  public static <E extends Enum<E>> E parse(Class<E> type, String value) {
    if (value != null) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(value.replace('-', '_'))) {
          return constant;
        }
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not one of "
            + Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
