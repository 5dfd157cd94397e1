package io.relspec.compiler.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Named SQL cases from a test resource: a line {@code -- case: name} starts each case. */
public record Cases(String name, String sql) {
  @Override
  public String toString() {
    return name;
  }

  public static List<Cases> load(String resource) {
    String text;
    try (InputStream in = Cases.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<Cases> cases = new ArrayList<>();
    String name = null;
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith("-- case: ")) {
        if (name != null) {
          cases.add(new Cases(name, sql.toString().strip()));
        }
        name = line.substring("-- case: ".length()).strip();
        sql.setLength(0);
      } else {
        sql.append(line).append('\n');
      }
    }
    if (name != null) {
      cases.add(new Cases(name, sql.toString().strip()));
    }
    return cases;
  }
}
