package io.lianbang.cli.output;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws a run's accuracy and loss per round as a PNG with two panels, in pure Java2D (headless).
 * Accuracy (left) shows centralized test accuracy and, if any, federated accuracy; loss (right)
 * shows training, test and federated loss. Rounds without a value leave a gap. When the run
 * counted the bytes it moved, the accuracy panel's round axis carries a second row of labels: the
 * megabytes (10^6 bytes, up and down together) moved up to that round, so accuracy reads against
 * communication as well as rounds.
 */
public final class HistoryChart {
  /** Default image width in pixels. */
  public static final int WIDTH = 1000;
  /** Default image height in pixels. */
  public static final int HEIGHT = 600;

  private static final Color TEST = new Color(0x1f, 0x77, 0xb4);
  private static final Color TRAIN = new Color(0xff, 0x7f, 0x0e);
  private static final Color FED = new Color(0x2c, 0xa0, 0x2c);
  private static final Color GRID = new Color(0xe6, 0xe6, 0xe6);
  private static final Color AXIS = new Color(0x44, 0x44, 0x44);
  private static final Color TEXT = new Color(0x22, 0x22, 0x22);

  private record Series(String name, Color color, double[] x, double[] y, boolean dashed) {
    boolean hasData() {
      for (double v : y) if (Double.isFinite(v)) return true;
      return false;
    }
  }

  private HistoryChart() {}

  /** Renders {@code history} under {@code title} into a {@link #WIDTH}×{@link #HEIGHT} PNG at {@code file}. */
  public static void write(History history, String title, String subtitle, Path file) throws IOException {
    BufferedImage img = render(history, title, subtitle, WIDTH, HEIGHT);
    if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer available");
  }

  /** The chart as an image. */
  public static BufferedImage render(History history, String title, String subtitle, int width, int height) {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);

      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
      centered(g, title, width / 2, 30);
      int top = 48;
      if (subtitle != null && !subtitle.isEmpty()) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(AXIS);
        centered(g, subtitle, width / 2, 50);
        top = 66;
      }

      List<RoundRecord> rounds = history.rounds();
      double[] x = new double[rounds.size()];
      for (int i = 0; i < x.length; i++) x[i] = rounds.get(i).round();
      int firstRound = rounds.isEmpty() ? 0 : rounds.get(0).round();
      int lastRound = rounds.isEmpty() ? 1 : rounds.get(rounds.size() - 1).round();

      List<Series> acc = new ArrayList<>();
      acc.add(new Series("test accuracy", TEST, x, values(rounds, r -> 100 * RoundValues.testAccuracy(r)), false));
      acc.add(new Series("federated accuracy", FED, x, values(rounds, r -> 100 * RoundValues.fedAccuracy(r)), true));
      List<Series> loss = new ArrayList<>();
      loss.add(new Series("train loss", TRAIN, x, values(rounds, RoundValues::trainLoss), false));
      loss.add(new Series("test loss", TEST, x, values(rounds, RoundValues::testLoss), false));
      loss.add(new Series("federated loss", FED, x, values(rounds, RoundValues::fedLoss), true));

      boolean traffic = rounds.stream().anyMatch(r -> !r.totalTraffic().equals(Traffic.NONE));
      IntFunction<String> megabytes = traffic ? round -> megabytesAt(rounds, round) : null;
      int half = width / 2;
      int bottom = height - 20;
      panel(g, new Rectangle(0, top, half, bottom - top), "Accuracy", "accuracy (%)", acc, firstRound, lastRound, true, megabytes);
      panel(g, new Rectangle(half, top, width - half, bottom - top), "Loss", "loss", loss, firstRound, lastRound, false, null);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** The megabytes moved up to and including {@code round}, up and down together, or null if no record has that round. */
  static String megabytesAt(List<RoundRecord> rounds, int round) {
    for (RoundRecord r : rounds) {
      if (r.round() == round) return megabytes(r.totalTraffic().uplinkBytes() + r.totalTraffic().downlinkBytes());
    }
    return null;
  }

  /** {@code bytes} in megabytes with three significant digits below 100 MB: {@code 0.52}, {@code 4.19}, {@code 62.9}, {@code 1250}. */
  static String megabytes(long bytes) {
    double mb = bytes / 1e6;
    return String.format(Locale.ROOT, mb < 10 ? "%.2f" : mb < 100 ? "%.1f" : "%.0f", mb);
  }

  private static double[] values(List<RoundRecord> rounds, ToDoubleFunction<RoundRecord> f) {
    double[] v = new double[rounds.size()];
    for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(rounds.get(i));
    return v;
  }

  /** A panel; {@code xExtra}, if not null, gives a second label under each round tick (null for none). */
  private static void panel(Graphics2D g, Rectangle area, String title, String yLabel, List<Series> all,
      int firstRound, int lastRound, boolean percent, IntFunction<String> xExtra) {
    List<Series> series = all.stream().filter(Series::hasData).toList();
    Rectangle plot = new Rectangle(area.x + 78, area.y + 30, area.width - 78 - 28, area.height - 30 - 52);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(TEXT);
    centered(g, title, plot.x + plot.width / 2, area.y + 18);

    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.y()) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      lo = 0;
      hi = percent ? 100 : 1;
    }
    if (!percent) lo = Math.min(lo, Math.max(0, lo - 0.05 * (hi - lo)));
    NiceScale ys = NiceScale.of(lo, hi, 6);
    if (percent) ys = new NiceScale(Math.max(0, ys.min()), Math.min(100, ys.max()), ys.step());
    NiceScale xs = NiceScale.ofIntegers(firstRound, lastRound, 8);

    Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(tickFont);
    FontMetrics fm = g.getFontMetrics();
    Font extraFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    // grid and y ticks
    for (double t : ys.ticks()) {
      if (t < ys.min() - 1e-9 || t > ys.max() + 1e-9) continue;
      int py = py(t, ys, plot);
      g.setColor(GRID);
      g.setStroke(new BasicStroke(1f));
      g.drawLine(plot.x, py, plot.x + plot.width, py);
      g.setColor(AXIS);
      g.drawLine(plot.x - 5, py, plot.x, py);
      String s = ys.label(t);
      g.setColor(TEXT);
      g.drawString(s, plot.x - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
    }
    // x ticks
    for (double t : xs.ticks()) {
      int px = px(t, xs, plot);
      g.setColor(GRID);
      g.drawLine(px, plot.y, px, plot.y + plot.height);
      g.setColor(AXIS);
      g.drawLine(px, plot.y + plot.height, px, plot.y + plot.height + 5);
      String s = xs.label(t);
      g.setColor(TEXT);
      g.drawString(s, px - fm.stringWidth(s) / 2, plot.y + plot.height + 8 + fm.getAscent());
      String extra = xExtra == null ? null : xExtra.apply((int) Math.round(t));
      if (extra != null) {
        g.setFont(extraFont);
        g.setColor(AXIS);
        g.drawString(extra, px - g.getFontMetrics().stringWidth(extra) / 2, plot.y + plot.height + 22 + fm.getAscent());
        g.setFont(tickFont);
      }
    }
    // frame
    g.setColor(AXIS);
    g.setStroke(new BasicStroke(1.2f));
    g.drawRect(plot.x, plot.y, plot.width, plot.height);
    // axis labels
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    g.setFont(labelFont);
    g.setColor(TEXT);
    if (xExtra == null) {
      centered(g, "round", plot.x + plot.width / 2, plot.y + plot.height + 42);
    } else {
      centered(g, "round  (below: MB moved so far, up + down)", plot.x + plot.width / 2, plot.y + plot.height + 54);
    }
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    FontMetrics lm = g.getFontMetrics();
    g.drawString(yLabel, -(plot.y + plot.height / 2) - lm.stringWidth(yLabel) / 2, area.x + 22);
    g.setTransform(saved);

    if (series.isEmpty()) {
      g.setColor(AXIS);
      centered(g, "no values recorded", plot.x + plot.width / 2, plot.y + plot.height / 2);
      return;
    }
    java.awt.Shape clip = g.getClip();
    g.clip(new Rectangle(plot.x - 4, plot.y - 4, plot.width + 9, plot.height + 9));
    for (Series s : series) draw(g, s, xs, ys, plot);
    g.setClip(clip);
    legend(g, series, plot, percent);
  }

  private static void draw(Graphics2D g, Series s, NiceScale xs, NiceScale ys, Rectangle plot) {
    g.setColor(s.color());
    g.setStroke(s.dashed()
        ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
        : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double path = new Path2D.Double();
    boolean open = false;
    int points = 0;
    for (int i = 0; i < s.y().length; i++) {
      double v = s.y()[i];
      if (!Double.isFinite(v)) {
        continue; // sparse evaluation (evaluate_every > 1): join the measured points
      }
      double px = pxd(s.x()[i], xs, plot);
      double py = pyd(v, ys, plot);
      if (open) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
        open = true;
      }
      points++;
    }
    g.draw(path);
    if (points <= 60) {
      for (int i = 0; i < s.y().length; i++) {
        double v = s.y()[i];
        if (!Double.isFinite(v)) continue;
        double px = pxd(s.x()[i], xs, plot);
        double py = pyd(v, ys, plot);
        g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
      }
    }
  }

  private static void legend(Graphics2D g, List<Series> series, Rectangle plot, boolean bottom) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int w = 0;
    for (Series s : series) w = Math.max(w, fm.stringWidth(s.name()));
    int boxW = w + 46;
    int lineH = fm.getHeight() + 2;
    int boxH = series.size() * lineH + 10;
    int x = plot.x + plot.width - boxW - 10;
    int y = bottom ? plot.y + plot.height - boxH - 10 : plot.y + 10;
    g.setColor(new Color(255, 255, 255, 225));
    g.fillRect(x, y, boxW, boxH);
    g.setColor(GRID.darker());
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, boxW, boxH);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      int cy = y + 5 + i * lineH + lineH / 2;
      g.setColor(s.color());
      g.setStroke(s.dashed()
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 3f}, 0f)
          : new BasicStroke(2.2f));
      g.drawLine(x + 8, cy, x + 32, cy);
      g.setColor(TEXT);
      g.drawString(s.name(), x + 38, cy + fm.getAscent() / 2 - 1);
    }
  }

  private static int px(double v, NiceScale xs, Rectangle plot) {
    return (int) Math.round(pxd(v, xs, plot));
  }

  private static int py(double v, NiceScale ys, Rectangle plot) {
    return (int) Math.round(pyd(v, ys, plot));
  }

  private static double pxd(double v, NiceScale xs, Rectangle plot) {
    return plot.x + (v - xs.min()) / (xs.max() - xs.min()) * plot.width;
  }

  private static double pyd(double v, NiceScale ys, Rectangle plot) {
    return plot.y + plot.height - (v - ys.min()) / (ys.max() - ys.min()) * plot.height;
  }

  private static void centered(Graphics2D g, String s, int cx, int baseline) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(s, cx - fm.stringWidth(s) / 2, baseline);
  }
}
