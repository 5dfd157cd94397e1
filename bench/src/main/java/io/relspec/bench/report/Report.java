package io.relspec.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns benchmark results into BENCHMARKS.md tables.
 *
 * <pre>
 * Report jmh RESULT.json OUT.md      JMH JSON results → one row per benchmark and parameter set
 * Report update BENCHMARKS.md DIR    replace each &lt;!-- results:NAME --&gt; … &lt;!-- /results:NAME --&gt;
 *                                    block with DIR/NAME.md (blocks without a file are kept)
 * </pre>
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("jmh")) {
      Files.writeString(
          Path.of(args[2]), jmh(new ObjectMapper().readTree(Path.of(args[1]).toFile())));
    } else if (args.length == 3 && args[0].equals("update")) {
      Path markdown = Path.of(args[1]);
      Files.writeString(markdown, update(Files.readString(markdown), Path.of(args[2])));
    } else {
      System.err.println("usage: Report jmh RESULT.json OUT.md | Report update BENCHMARKS.md DIR");
      System.exit(2);
    }
  }

  /** Median, min and max over the measured iterations, per benchmark and parameters. */
  static String jmh(JsonNode results) {
    StringBuilder table =
        new StringBuilder(
            "| benchmark | parameters | median | min / max | unit | allocated per op |\n"
                + "|---|---|---|---|---|---|\n");
    for (JsonNode result : results) {
      String benchmark = result.path("benchmark").asText().replaceAll(".*\\.", "");
      List<String> parameters = new ArrayList<>();
      result
          .path("params")
          .fields()
          .forEachRemaining(p -> parameters.add(p.getKey() + "=" + p.getValue().asText()));
      List<Double> iterations = new ArrayList<>();
      for (JsonNode fork : result.path("primaryMetric").path("rawData")) {
        fork.forEach(value -> iterations.add(value.asDouble()));
      }
      Collections.sort(iterations);
      int n = iterations.size();
      double median =
          n % 2 == 1
              ? iterations.get(n / 2)
              : (iterations.get(n / 2 - 1) + iterations.get(n / 2)) / 2;
      JsonNode secondary = result.path("secondaryMetrics");
      JsonNode allocation =
          secondary.has("gc.alloc.rate.norm")
              ? secondary.path("gc.alloc.rate.norm").path("score")
              : secondary.path("·gc.alloc.rate.norm").path("score");
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.2f | %.2f / %.2f | %s | %s |%n",
              benchmark,
              String.join(", ", parameters),
              median,
              iterations.get(0),
              iterations.get(n - 1),
              result.path("primaryMetric").path("scoreUnit").asText(),
              allocation.isMissingNode()
                  ? "—"
                  : String.format(Locale.ROOT, "%.1f MB", allocation.asDouble() / (1 << 20))));
    }
    return table.toString();
  }

  private static final Pattern BLOCK =
      Pattern.compile("<!-- results:([a-z0-9-]+) -->\\n.*?<!-- /results:\\1 -->", Pattern.DOTALL);

  static String update(String markdown, Path results) throws Exception {
    Matcher blocks = BLOCK.matcher(markdown);
    StringBuilder updated = new StringBuilder();
    while (blocks.find()) {
      String name = blocks.group(1);
      Path file = results.resolve(name + ".md");
      String replacement =
          Files.exists(file)
              ? "<!-- results:"
                  + name
                  + " -->\n"
                  + Files.readString(file).strip()
                  + "\n<!-- /results:"
                  + name
                  + " -->"
              : blocks.group();
      blocks.appendReplacement(updated, Matcher.quoteReplacement(replacement));
    }
    blocks.appendTail(updated);
    return updated.toString();
  }
}
