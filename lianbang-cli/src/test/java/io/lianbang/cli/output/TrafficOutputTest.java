package io.lianbang.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.Histories;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.run.RoundPrinter;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import io.lianbang.sim.spec.SimulationSpec;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes a run moved, in the round line, history.csv, history.json and the chart. */
class TrafficOutputTest {
  /** {@link Histories#sample} with round 1 moving 1 MB up and 4 MB down, round 2 1.5 MB up and 4 MB down. */
  private static History withTraffic() {
    List<Traffic> moved = List.of(Traffic.NONE, new Traffic(1_000_000, 4_000_000), new Traffic(1_500_000, 4_000_000));
    List<RoundRecord> out = new ArrayList<>();
    Traffic total = Traffic.NONE;
    for (RoundRecord r : Histories.sample(2).rounds()) {
      Traffic t = moved.get(r.round());
      total = total.plus(t);
      out.add(new RoundRecord(r.round(), r.sampled(), r.succeeded(), r.failures(), r.updated(), r.fitMetrics(), r.federated(),
          r.centralized(), r.seconds(), t, total));
    }
    return new History(out);
  }

  @Test
  void csvEndsWithTheByteColumns() {
    List<String> with = HistoryCsv.format(withTraffic()).lines().toList();
    List<String> without = HistoryCsv.format(Histories.sample(2)).lines().toList();
    assertTrue(with.get(0).endsWith(",seconds,uplink_bytes,downlink_bytes,total_uplink_bytes,total_downlink_bytes"), with.get(0));
    assertEquals(without.get(1), with.get(1));
    assertEquals(without.get(2).replaceFirst(",0,0,0,0$", ",1000000,4000000,1000000,4000000"), with.get(2));
    assertEquals(without.get(3).replaceFirst(",0,0,0,0$", ",1500000,4000000,2500000,8000000"), with.get(3));
  }

  @Test
  void jsonHasTheBytesOfEveryRoundAndTheTotal() {
    ObjectMapper m = ConfigLoader.jsonMapper();
    JsonNode doc = HistoryJson.document(m, ConfigLoader.toJsonTree(SimulationSpec.demo()), Map.of(), withTraffic(), 3);
    assertEquals(0, doc.at("/rounds/0/uplink_bytes").asLong());
    assertEquals(1_500_000, doc.at("/rounds/2/uplink_bytes").asLong());
    assertEquals(4_000_000, doc.at("/rounds/2/downlink_bytes").asLong());
    assertEquals(2_500_000, doc.at("/rounds/2/total_uplink_bytes").asLong());
    assertEquals(8_000_000, doc.at("/rounds/2/total_downlink_bytes").asLong());
    assertEquals(2_500_000, doc.at("/final/total_uplink_bytes").asLong());
    assertEquals(8_000_000, doc.at("/final/total_downlink_bytes").asLong());
  }

  @Test
  void roundLineEndsItsTimingWithTheBytesOfTheRoundAndTheTotal() {
    History h = withTraffic();
    String line = RoundPrinter.line(h.rounds().get(2), 2, 10);
    String plain = RoundPrinter.line(Histories.sample(2).rounds().get(2), 2, 10);
    String bytes = "  up 1.50 MB  down 4.00 MB  total 10.50 MB";
    int at = plain.indexOf(" s") + 2;
    assertEquals(plain.substring(0, at) + bytes + plain.substring(at), line);
    assertFalse(RoundPrinter.line(h.rounds().get(0), 2, 10).contains(" up "), "round 0 moved nothing");
  }

  @Test
  void byteSizesUseDecimalUnits() {
    assertEquals("999 B", ByteSize.format(999));
    assertEquals("1.0 kB", ByteSize.format(1_000));
    assertEquals("1.23 MB", ByteSize.format(1_234_567));
    assertEquals("2.50 GB", ByteSize.format(2_500_000_000L));
  }

  @Test
  void chartLabelsTheAccuracyPanelsRoundsWithTheMegabytesMovedSoFar() {
    assertEquals("5.00", HistoryChart.megabytesAt(withTraffic().rounds(), 1));
    assertEquals("10.5", HistoryChart.megabytesAt(withTraffic().rounds(), 2));
    assertEquals("0.52", HistoryChart.megabytes(520_000));
    assertEquals("1250", HistoryChart.megabytes(1_250_000_000));
    BufferedImage with = HistoryChart.render(withTraffic(), "t", "s", HistoryChart.WIDTH, HistoryChart.HEIGHT);
    BufferedImage without = HistoryChart.render(Histories.sample(2), "t", "s", HistoryChart.WIDTH, HistoryChart.HEIGHT);
    assertNotEquals(pixels(with, 0, 500), pixels(without, 0, 500), "the accuracy panel shows the bytes");
    assertEquals(pixels(with, 500, 1000), pixels(without, 500, 1000), "the loss panel is unchanged");
    assertTrue(HistoryChart.megabytesAt(withTraffic().rounds(), 7) == null);
  }

  private static List<Integer> pixels(BufferedImage img, int x0, int x1) {
    List<Integer> out = new ArrayList<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) out.add(img.getRGB(x, y));
    }
    return out;
  }
}
