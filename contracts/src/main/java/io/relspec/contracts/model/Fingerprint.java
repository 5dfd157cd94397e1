package io.relspec.contracts.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A SHA-256 digest, printed as 64 lowercase hex digits. */
public record Fingerprint(String value) implements Comparable<Fingerprint> {
  public Fingerprint {
    if (!isSha256Hex(value)) {
      throw new IllegalArgumentException(
          "fingerprint must be 64 lowercase hex digits (SHA-256), got: " + value);
    }
  }

  /** 64 lowercase hex digits; checked by hand, as fingerprints are read on every task row. */
  private static boolean isSha256Hex(String value) {
    if (value == null || value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  @JsonCreator
  public static Fingerprint of(String value) {
    return new Fingerprint(value);
  }

  /** SHA-256 of the UTF-8 bytes of {@code text}. */
  public static Fingerprint sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return new Fingerprint(
          HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** First 12 hex digits, for logs and ids shown to people. */
  public String shortForm() {
    return value.substring(0, 12);
  }

  @JsonValue
  @Override
  public String value() {
    return value;
  }

  @Override
  public int compareTo(Fingerprint other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  // Written out: the generated record methods go through method handles, which showed up as a
  // third of the scheduler's planning time on 100,000-task graphs (hash map keys everywhere).
  @Override
  public boolean equals(Object other) {
    return this == other || (other instanceof Fingerprint that && value.equals(that.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
