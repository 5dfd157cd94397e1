package io.relspec.scheduler.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.jgrapht.graph.DirectedAcyclicGraph;

/**
 * A graph's signature: SHA-256 over its sorted vertex and edge lines (kinds, names, required
 * columns and types), identical for the same catalog on every run and JVM.
 */
final class GraphSignature {
  private GraphSignature() {}

  static String of(DirectedAcyclicGraph<GraphNode, GraphEdge> graph) {
    List<String> lines = new ArrayList<>(graph.vertexSet().size() + graph.edgeSet().size());
    graph.vertexSet().forEach(node -> lines.add("v " + node.kind().wireName() + " " + node.id()));
    graph.edgeSet().forEach(edge -> lines.add(edge.canonical()));
    Collections.sort(lines);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String line : lines) {
        digest.update(line.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
