package io.relspec.scheduler.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlHighlighterTest {
  @Test
  void keywordsStringsNumbersAndCommentsGetSpansAndEverythingIsEscaped() {
    String html =
        SqlHighlighter.html(
            "select a, 'it''s <b>' AS \"x<y\" -- <script>\nFROM t WHERE n > 10.5 /* & */");
    assertThat(html)
        .isEqualTo(
            "<span class=\"sql-keyword\">select</span> a, <span class=\"sql-string\">&#39;it&#39;&#39;s &lt;b&gt;&#39;</span>"
                + " <span class=\"sql-keyword\">AS</span> <span class=\"sql-ident\">&quot;x&lt;y&quot;</span>"
                + " <span class=\"sql-comment\">-- &lt;script&gt;</span>\n<span class=\"sql-keyword\">FROM</span> t"
                + " <span class=\"sql-keyword\">WHERE</span> n &gt; <span class=\"sql-number\">10.5</span>"
                + " <span class=\"sql-comment\">/* &amp; */</span>");
  }

  @Test
  void unterminatedStringsAndCommentsStillEscapeToTheEnd() {
    assertThat(SqlHighlighter.html("SELECT '<script>")).endsWith("&#39;&lt;script&gt;</span>");
    assertThat(SqlHighlighter.html("SELECT 1 /* <img src=x>"))
        .endsWith("/* &lt;img src=x&gt;</span>")
        .doesNotContain("<img");
  }
}
