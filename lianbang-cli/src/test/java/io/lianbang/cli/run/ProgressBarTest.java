package io.lianbang.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.Histories;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void showsRoundClientsAndProgress() {
    StringWriter sw = new StringWriter();
    try (ProgressBar bar = new ProgressBar(new PrintWriter(sw), 4)) {
      bar.roundStarted(1, 4, 10);
      assertTrue(bar.text().startsWith("round 1/4 [>                             ]   0%  clients 0/10"), bar.text());
      for (int i = 0; i < 5; i++) bar.clientFinished(i != 3);
      assertTrue(bar.text().contains("  12%  clients 5/10 (1 failed)  elapsed 0:00  eta --:--"), bar.text());
      bar.roundCompleted(1, 2.0);
      bar.roundStarted(2, 4, 10);
      assertTrue(bar.text().startsWith("round 2/4 [=======>                      ]  25%  clients 0/10"), bar.text());
      assertTrue(bar.text().endsWith("eta 0:06"), bar.text());
    }
    assertTrue(sw.toString().contains("\r"), "redrawn in place");
  }

  @Test
  void roundLinesClearTheBarFirst() {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    try (ProgressBar bar = new ProgressBar(new PrintWriter(err), 3)) {
      RoundPrinter p = new RoundPrinter(new PrintWriter(out), bar, 10);
      p.roundStarted(1, 3, 10);
      p.roundCompleted(Histories.sample(3).rounds().get(1), 3);
    }
    assertTrue(out.toString().startsWith("round  1/3  clients 10/10"), out.toString());
    String e = err.toString();
    assertTrue(e.endsWith("\r"), "bar erased at the end: " + e.replace("\r", "\\r"));
    assertFalse(e.contains("\n"));
  }

  @Test
  void clockFormats() {
    assertEquals("0:07", ProgressBar.clock(7.2));
    assertEquals("2:05", ProgressBar.clock(125));
    assertEquals("1:00:00", ProgressBar.clock(3600));
  }
}
