package io.relspec.contracts.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
  // The documented rules as regular expressions: the hand-written checks must agree with them.
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  @Test
  void namesAndIdentifiersFollowTheirRules() {
    assertThat(Identifiers.isName("raw.orders")).isTrue();
    assertThat(Identifiers.isName("t_1")).isTrue();
    assertThat(Identifiers.isName("raw.")).isFalse();
    assertThat(Identifiers.isName(".raw")).isFalse();
    assertThat(Identifiers.isName("raw..orders")).isFalse();
    assertThat(Identifiers.isName("raw.1x")).isFalse();
    assertThat(Identifiers.isName("Raw")).isFalse();
    assertThat(Identifiers.isName("")).isFalse();
    assertThat(Identifiers.isName(null)).isFalse();
    assertThat(Identifiers.isName("a".repeat(128))).isTrue();
    assertThat(Identifiers.isName("a".repeat(129))).isFalse();
    assertThat(Identifiers.isIdentifier("_Tmp9")).isTrue();
    assertThat(Identifiers.isIdentifier("9a")).isFalse();
    assertThat(Identifiers.isIdentifier("a.b")).isFalse();
    assertThat(Identifiers.isIdentifier("é")).isFalse();
  }

  @Test
  void theHandWrittenChecksAgreeWithTheRegularExpressionsOnRandomStrings() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "abzAZ09_.-é ";
    for (int round = 0; round < 200_000; round++) {
      int length = random.nextInt(8);
      StringBuilder value = new StringBuilder();
      for (int i = 0; i < length; i++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = value.toString();
      assertThat(Identifiers.isName(candidate))
          .as("isName(%s)", candidate)
          .isEqualTo(NAME.matcher(candidate).matches());
      assertThat(Identifiers.isIdentifier(candidate))
          .as("isIdentifier(%s)", candidate)
          .isEqualTo(IDENTIFIER.matcher(candidate).matches());
    }
  }

  @Test
  void fingerprintsAreSixtyFourLowerCaseHexDigits() {
    String valid = Fingerprint.sha256("x").value();
    assertThat(SHA256_HEX.matcher(valid).matches()).isTrue();
    assertThat(Fingerprint.of(valid).value()).isEqualTo(valid);
    for (String invalid :
        new String[] {
          valid.toUpperCase(), valid.substring(1), valid + "0", "g" + valid.substring(1)
        }) {
      assertThatThrownBy(() -> Fingerprint.of(invalid))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("64 lowercase hex digits");
    }
    assertThatThrownBy(() -> Fingerprint.of(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
