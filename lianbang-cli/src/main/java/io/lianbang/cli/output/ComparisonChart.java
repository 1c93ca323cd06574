package io.lianbang.cli.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** One chart comparing several runs: test accuracy (percent) per round, one line per series. */
public final class ComparisonChart {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  /** A named line: {@code y[i]} is the value after round {@code i} (NaN where not measured). */
  public record Series(String name, double[] y) {}

  private ComparisonChart() {}

  /** Writes the chart as a PNG. */
  public static void write(List<Series> series, String title, Path file) throws IOException {
    ImageIO.write(render(series, title, 1000, 600), "png", file.toFile());
  }

  /** Draws the chart. */
  public static BufferedImage render(List<Series> series, String title, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(0x222222));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 70, 30);
    Rectangle plot = new Rectangle(70, 50, width - 100, height - 110);
    int rounds = 1;
    double lo = 100;
    double hi = 0;
    for (Series s : series) {
      rounds = Math.max(rounds, s.y().length - 1);
      for (double v : s.y()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, 100 * v);
          hi = Math.max(hi, 100 * v);
        }
      }
    }
    NiceScale xs = NiceScale.ofIntegers(0, rounds, 10);
    NiceScale ys = NiceScale.of(Math.max(0, lo), Math.min(100, Math.max(hi, lo + 1)), 8);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (double t : ys.ticks()) {
      int y = py(t, ys, plot);
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(plot.x, y, plot.x + plot.width, y);
      g.setColor(new Color(0x444444));
      String l = ys.label(t) + "%";
      g.drawString(l, plot.x - 8 - fm.stringWidth(l), y + 4);
    }
    for (double t : xs.ticks()) {
      int x = px(t, xs, plot);
      String l = xs.label(t);
      g.drawString(l, x - fm.stringWidth(l) / 2, plot.y + plot.height + 18);
    }
    g.drawString("round", plot.x + plot.width / 2 - 15, plot.y + plot.height + 38);
    g.drawRect(plot.x, plot.y, plot.width, plot.height);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      g.setColor(PALETTE[i % PALETTE.length]);
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double path = new Path2D.Double();
      boolean open = false;
      for (int r = 0; r < s.y().length; r++) {
        if (!Double.isFinite(s.y()[r])) continue;
        double x = plot.x + (r - xs.min()) / (xs.max() - xs.min()) * plot.width;
        double y = plot.y + plot.height - (100 * s.y()[r] - ys.min()) / (ys.max() - ys.min()) * plot.height;
        if (open) {
          path.lineTo(x, y);
        } else {
          path.moveTo(x, y);
          open = true;
        }
      }
      g.draw(path);
      int ly = plot.y + plot.height - 12 - 18 * (series.size() - 1 - i);
      g.fillRect(plot.x + plot.width - 250, ly - 8, 18, 4);
      g.setColor(new Color(0x222222));
      g.drawString(s.name(), plot.x + plot.width - 226, ly - 2);
    }
    g.dispose();
    return img;
  }

  private static int px(double v, NiceScale xs, Rectangle plot) {
    return (int) Math.round(plot.x + (v - xs.min()) / (xs.max() - xs.min()) * plot.width);
  }

  private static int py(double v, NiceScale ys, Rectangle plot) {
    return (int) Math.round(plot.y + plot.height - (v - ys.min()) / (ys.max() - ys.min()) * plot.height);
  }
}
