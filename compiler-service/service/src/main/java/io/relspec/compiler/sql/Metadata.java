package io.relspec.compiler.sql;

import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.MetadataHandlerProvider;
import org.apache.calcite.rel.metadata.ProxyingMetadataHandlerProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Calcite's relational metadata without run-time code generation. By default a cluster's metadata
 * handlers are Java source generated and compiled with Janino on first use, which a native image
 * cannot do; proxies over the same default providers give the same answers on the JVM and in a
 * native image.
 */
final class Metadata {
  static final MetadataHandlerProvider HANDLERS =
      new ProxyingMetadataHandlerProvider(DefaultRelMetadataProvider.INSTANCE);

  private Metadata() {}

  /** A cluster whose metadata queries use {@link #HANDLERS}. */
  static RelOptCluster withoutCodeGeneration(RelOptCluster cluster) {
    cluster.setMetadataProvider(DefaultRelMetadataProvider.INSTANCE);
    cluster.setMetadataQuerySupplier(() -> new RelMetadataQuery(HANDLERS));
    return cluster;
  }
}
