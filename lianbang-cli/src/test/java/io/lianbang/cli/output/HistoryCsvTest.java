package io.lianbang.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.cli.Histories;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.task.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCsvTest {
  @Test
  void oneRowPerRoundWithEmptyCellsForUnmeasuredValues(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("history.csv");
    HistoryCsv.write(Histories.sample(3), f);
    List<String> lines = Files.readAllLines(f);
    assertEquals(5, lines.size());
    assertEquals("round,sampled,succeeded,failed,train_loss,test_loss,test_accuracy,fed_loss,fed_accuracy,seconds,"
        + "uplink_bytes,downlink_bytes,total_uplink_bytes,total_downlink_bytes", lines.get(0));
    assertEquals("0,0,0,0,,2.300000,0.100000,,,0.250,0,0,0,0", lines.get(1));
    assertEquals("1,10,10,0,0.900000,1.000000,0.600000,1.050000,0.550000,1.010,0,0,0,0", lines.get(2));
    assertEquals("2,10,9,1,0.600000,0.666667,0.700000,0.700000,0.633333,1.020,0,0,0,0", lines.get(3));
  }

  @Test
  void roundsWithoutEvaluationLeaveCellsEmpty() {
    History h = new History(List.of(new RoundRecord(1, 4, 4, List.of(), true, Metrics.of("train_loss", Double.NaN),
        Optional.empty(), Optional.empty(), 0.5)));
    assertEquals(HistoryCsv.HEADER + "\n1,4,4,0,,,,,,0.500,0,0,0,0\n", HistoryCsv.format(h));
  }
}
