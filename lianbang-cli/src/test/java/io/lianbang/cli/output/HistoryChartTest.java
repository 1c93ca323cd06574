package io.lianbang.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.Histories;
import io.lianbang.core.federation.History;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryChartTest {
  @Test
  void writesADecodablePngOfTheRightSizeThatIsNotBlank(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("chart.png");
    HistoryChart.write(Histories.sample(20), "demo: fashion-mnist, mlp", "fedavg, 10 of 100 clients per round", f);
    assertTrue(Files.size(f) > 0);
    BufferedImage img = ImageIO.read(f.toFile());
    assertNotNull(img, "not a readable PNG");
    assertEquals(HistoryChart.WIDTH, img.getWidth());
    assertEquals(HistoryChart.HEIGHT, img.getHeight());
    assertTrue(colors(img).size() > 20, "image looks blank");
    // the series colours are drawn in both panels
    assertTrue(hasColor(img, 0x1f77b4, 0, 500), "no test series in the accuracy panel");
    assertTrue(hasColor(img, 0x1f77b4, 500, 1000), "no test series in the loss panel");
    assertTrue(hasColor(img, 0xff7f0e, 500, 1000), "no train loss in the loss panel");
  }

  @Test
  void emptyAndSingleRoundHistoriesStillRender() {
    BufferedImage empty = HistoryChart.render(new History(List.of()), "empty", "", 400, 300);
    assertTrue(colors(empty).size() > 2);
    History one = new History(List.of(Histories.sample(1).rounds().get(1)));
    assertTrue(colors(HistoryChart.render(one, "one", null, 400, 300)).size() > 2);
  }

  private static Set<Integer> colors(BufferedImage img) {
    Set<Integer> c = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) c.add(img.getRGB(x, y) & 0xffffff);
    }
    return c;
  }

  private static boolean hasColor(BufferedImage img, int rgb, int x0, int x1) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = x0; x < x1; x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) return true;
    }
    return false;
  }
}
