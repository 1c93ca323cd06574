package io.lianbang.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonChartTest {
  private static final double NAN = Double.NaN;

  @Test
  void drawsOneLinePerSeriesInThePaletteColours(@TempDir Path tmp) throws Exception {
    List<ComparisonChart.Series> series = List.of(
        new ComparisonChart.Series("a", new double[] {0.1, 0.4, 0.6, 0.7}),
        new ComparisonChart.Series("b", new double[] {0.1, 0.3, 0.5, 0.65}));
    Path f = tmp.resolve("accuracy.png");
    ComparisonChart.write(series, "Test accuracy per round", f);
    BufferedImage img = ImageIO.read(f.toFile());
    assertNotNull(img, "not a readable PNG");
    assertEquals(1000, img.getWidth());
    assertEquals(600, img.getHeight());
    assertTrue(hasColor(img, 0x1f77b4), "first series");
    assertTrue(hasColor(img, 0xff7f0e), "second series");
  }

  @Test
  void valuesArePercentAndUnmeasuredRoundsAreGaps() {
    XYDataset data = ComparisonChart.chart(
        List.of(new ComparisonChart.Series("a", new double[] {NAN, 0.25, NAN, 0.5})), "t").getXYPlot().getDataset();
    assertEquals(4, data.getItemCount(0));
    assertNull(data.getY(0, 0));
    assertEquals(25.0, data.getYValue(0, 1), 1e-12);
    assertEquals(2.0, data.getXValue(0, 2), 1e-12);
    assertNull(data.getY(0, 2), "a gap, not a line through round 2");
    assertEquals(50.0, data.getYValue(0, 3), 1e-12);
    assertTrue(ComparisonChart.render(List.of(new ComparisonChart.Series("none", new double[] {NAN})), "t", 300, 200)
        .getWidth() == 300, "a series without values still renders");
  }

  private static boolean hasColor(BufferedImage img, int rgb) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) return true;
    }
    return false;
  }
}
