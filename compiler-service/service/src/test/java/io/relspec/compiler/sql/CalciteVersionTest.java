package io.relspec.compiler.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.calcite.rel.RelNode;
import org.junit.jupiter.api.Test;

/** Fingerprints name the Calcite that really runs: an upgrade changes them, visibly. */
class CalciteVersionTest {
  @Test
  void theVersionInFingerprintsIsTheCalciteOnTheClasspath() {
    String onClasspath = RelNode.class.getPackage().getImplementationVersion();
    assertThat(onClasspath).as("Calcite's jar manifest").isNotBlank();
    assertThat(QueryCompiler.CALCITE_VERSION).isEqualTo(onClasspath);
  }
}
