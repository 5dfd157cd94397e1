package io.relspec.scheduler.ui;

import java.util.Locale;
import java.util.Set;

/**
 * A task's SQL as HTML with keywords, strings, numbers and comments in spans. Every character of
 * the SQL is escaped: the result is safe to embed however hostile the text.
 */
public final class SqlHighlighter {
  private static final Set<String> KEYWORDS =
      Set.of(
          "select",
          "from",
          "where",
          "group",
          "by",
          "order",
          "having",
          "join",
          "left",
          "right",
          "full",
          "inner",
          "outer",
          "cross",
          "on",
          "using",
          "as",
          "and",
          "or",
          "not",
          "in",
          "is",
          "null",
          "case",
          "when",
          "then",
          "else",
          "end",
          "distinct",
          "union",
          "all",
          "except",
          "intersect",
          "with",
          "limit",
          "offset",
          "over",
          "partition",
          "window",
          "asc",
          "desc",
          "between",
          "like",
          "ilike",
          "exists",
          "cast",
          "true",
          "false",
          "qualify",
          "lateral",
          "values",
          "filter",
          "rows",
          "range",
          "preceding",
          "following",
          "current",
          "row",
          "unbounded",
          "nulls",
          "first",
          "last",
          "semi",
          "anti",
          "natural",
          "recursive");

  private SqlHighlighter() {}

  public static String html(String sql) {
    StringBuilder out = new StringBuilder(sql.length() * 2);
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        span(out, "sql-comment", sql.substring(i, end));
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        span(out, "sql-comment", sql.substring(i, end));
        i = end;
      } else if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < n) {
          if (sql.charAt(end) == c) {
            if (end + 1 < n && sql.charAt(end + 1) == c) {
              end += 2;
              continue;
            }
            end++;
            break;
          }
          end++;
        }
        span(out, c == '\'' ? "sql-string" : "sql-ident", sql.substring(i, end));
        i = end;
      } else if (Character.isLetter(c) || c == '_') {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        String word = sql.substring(i, end);
        if (KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
          span(out, "sql-keyword", word);
        } else {
          escape(out, word);
        }
        i = end;
      } else if (Character.isDigit(c)) {
        int end = i;
        while (end < n && (Character.isDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
          end++;
        }
        span(out, "sql-number", sql.substring(i, end));
        i = end;
      } else {
        escape(out, String.valueOf(c));
        i++;
      }
    }
    return out.toString();
  }

  private static void span(StringBuilder out, String cssClass, String text) {
    out.append("<span class=\"").append(cssClass).append("\">");
    escape(out, text);
    out.append("</span>");
  }

  /** HTML-escapes text for element content and quoted attribute values. */
  static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    escape(out, text);
    return out.toString();
  }
}
