package io.relspec.compiler.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;

/** Metadata answers come from proxies, never from classes Janino generates at run time. */
class MetadataTest {
  @Test
  void metadataQueriesAnswerThroughProxiesWithoutGeneratingCode() {
    RelOptCluster cluster =
        Metadata.withoutCodeGeneration(
            RelOptCluster.create(
                new HepPlanner(HepProgram.builder().build()),
                new RexBuilder(new JavaTypeFactoryImpl())));
    RelBuilder builder = RelBuilder.proto(Contexts.empty()).create(cluster, null);
    RelNode values = builder.values(new String[] {"id", "name"}, 1, "a", 2, "b", 3, "c").build();
    RelNode projected = builder.push(values).project(builder.field("name")).build();

    RelMetadataQuery metadata = cluster.getMetadataQuery();
    assertThat(metadata.getRowCount(values)).isEqualTo(3.0);
    assertThat(metadata.getRowCount(projected)).isEqualTo(3.0);
    assertThat(metadata.getColumnOrigins(projected, 0)).allMatch(RelColumnOrigin.class::isInstance);
    assertThat(
            Proxy.isProxyClass(
                Metadata.HANDLERS.handler(BuiltInMetadata.RowCount.Handler.class).getClass()))
        .as("row-count handler is a java.lang.reflect.Proxy")
        .isTrue();
  }

  /** A native image can only create the proxies it was told about at build time. */
  @Test
  void everyBuiltInHandlerProxyIsRegisteredForTheNativeImage() throws IOException {
    String config;
    try (InputStream in =
        Objects.requireNonNull(
            getClass()
                .getResourceAsStream(
                    "/META-INF/native-image/io.relspec/compiler/proxy-config.json"))) {
      config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    var handlers =
        Arrays.stream(BuiltInMetadata.class.getDeclaredClasses())
            .flatMap(metadata -> Arrays.stream(metadata.getDeclaredClasses()))
            .filter(MetadataHandler.class::isAssignableFrom)
            .map(Class::getName)
            .toList();
    assertThat(handlers).hasSizeGreaterThan(20);
    assertThat(handlers).allSatisfy(handler -> assertThat(config).contains('"' + handler + '"'));
  }
}
