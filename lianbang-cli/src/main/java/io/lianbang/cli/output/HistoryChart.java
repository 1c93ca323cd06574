package io.lianbang.cli.output;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a run's accuracy and loss per round as a PNG with two panels, with JFreeChart (headless).
 * Accuracy (left) shows centralized test accuracy and, if any, federated accuracy; loss (right)
 * shows training, test and federated loss. Rounds without a value are skipped: the line joins the
 * measured rounds. When the run counted the bytes it moved, the accuracy panel has a second round
 * axis below the first whose labels are the megabytes (10^6 bytes, up and down together) moved up
 * to that round, so accuracy reads against communication as well as rounds.
 */
public final class HistoryChart {
  /** Default image width in pixels. */
  public static final int WIDTH = 1000;
  /** Default image height in pixels. */
  public static final int HEIGHT = 600;

  private static final Color TEST = new Color(0x1f, 0x77, 0xb4);
  private static final Color TRAIN = new Color(0xff, 0x7f, 0x0e);
  private static final Color FED = new Color(0x2c, 0xa0, 0x2c);

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
    try (OutputStream out = Files.newOutputStream(file)) {
      ChartUtils.writeBufferedImageAsPNG(out, img);
    }
  }

  /** The chart as an image. */
  public static BufferedImage render(History history, String title, String subtitle, int width, int height) {
    ChartStyle.headless();
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);

      double top = 8;
      top += heading(g, title, new Font(Font.SANS_SERIF, Font.BOLD, 20), ChartStyle.TEXT, width, top);
      top += heading(g, subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 13), ChartStyle.AXIS, width, top);

      List<RoundRecord> rounds = history.rounds();
      double[] x = new double[rounds.size()];
      for (int i = 0; i < x.length; i++) x[i] = rounds.get(i).round();

      List<Series> acc = new ArrayList<>();
      acc.add(new Series("test accuracy", TEST, x, values(rounds, r -> 100 * RoundValues.testAccuracy(r)), false));
      acc.add(new Series("federated accuracy", FED, x, values(rounds, r -> 100 * RoundValues.fedAccuracy(r)), true));
      List<Series> loss = new ArrayList<>();
      loss.add(new Series("train loss", TRAIN, x, values(rounds, RoundValues::trainLoss), false));
      loss.add(new Series("test loss", TEST, x, values(rounds, RoundValues::testLoss), false));
      loss.add(new Series("federated loss", FED, x, values(rounds, RoundValues::fedLoss), true));

      boolean traffic = rounds.stream().anyMatch(r -> !r.totalTraffic().equals(Traffic.NONE));
      int half = width / 2;
      double h = height - top - 4;
      panel("Accuracy", "accuracy (%)", acc, true, traffic ? rounds : null)
          .draw(g, new Rectangle2D.Double(0, top, half, h));
      panel("Loss", "loss", loss, false, null).draw(g, new Rectangle2D.Double(half, top, width - half, h));
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

  /** Draws {@code text} (if any) centred across the image at {@code y}; returns the height it took. */
  private static double heading(Graphics2D g, String text, Font font, Color paint, int width, double y) {
    if (text == null || text.isEmpty()) return 0;
    TextTitle title = new TextTitle(text, font);
    title.setPaint(paint);
    double h = title.arrange(g).getHeight();
    title.draw(g, new Rectangle2D.Double(0, y, width, h));
    return h;
  }

  private static double[] values(List<RoundRecord> rounds, ToDoubleFunction<RoundRecord> f) {
    double[] v = new double[rounds.size()];
    for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(rounds.get(i));
    return v;
  }

  /** A panel; {@code traffic}, if not null, adds a round axis labelled with the megabytes moved so far. */
  private static JFreeChart panel(String title, String yLabel, List<Series> all, boolean percent, List<RoundRecord> traffic) {
    List<Series> series = all.stream().filter(Series::hasData).toList();
    XYSeriesCollection data = new XYSeriesCollection();
    int points = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      for (int i = 0; i < s.y().length; i++) {
        double v = s.y()[i];
        if (!Double.isFinite(v)) continue; // sparse evaluation (evaluate_every > 1): join the measured points
        xy.add(s.x()[i], v);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      points = Math.max(points, xy.getItemCount());
      data.addSeries(xy);
    }
    NumberAxis x = ChartStyle.roundAxis("round");
    NumberAxis y = ChartStyle.axis(yLabel);
    y.setAutoRangeIncludesZero(false);
    if (lo <= hi) {
      double pad = Math.max(hi - lo, Math.max(Math.abs(hi), 1e-3) * 0.1) * 0.05;
      y.setRange(percent ? Math.max(0, lo - pad) : Math.min(lo - pad, Math.max(0, lo - 0.05 * (hi - lo))),
          percent ? Math.min(100, hi + pad) : hi + pad);
    } else {
      y.setRange(0, percent ? 100 : 1);
    }
    XYPlot plot = ChartStyle.plot(data, x, y);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
    renderer.setDefaultShapesVisible(points <= 60);
    renderer.setAutoPopulateSeriesShape(false);
    renderer.setDefaultShape(new Ellipse2D.Double(-3, -3, 6, 6));
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      renderer.setSeriesPaint(i, s.color());
      renderer.setSeriesStroke(i, s.dashed()
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
          : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }
    if (traffic != null) {
      NumberAxis mb = ChartStyle.roundAxis("MB moved so far, up + down");
      mb.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      mb.setTickLabelPaint(ChartStyle.AXIS);
      mb.setNumberFormatOverride(new MegabytesFormat(traffic));
      plot.setDomainAxis(1, mb);
      plot.setDomainAxisLocation(1, AxisLocation.BOTTOM_OR_LEFT);
      plot.mapDatasetToDomainAxes(0, List.of(0, 1));
    }
    return ChartStyle.chart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot);
  }

  /** Labels a round tick with the megabytes moved up to that round (blank where no record has it). */
  private static final class MegabytesFormat extends NumberFormat {
    private final List<RoundRecord> rounds;

    MegabytesFormat(List<RoundRecord> rounds) {
      this.rounds = rounds;
    }

    @Override
    public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
      return number == Math.rint(number) ? format((long) number, to, pos) : to;
    }

    @Override
    public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
      String s = number == (int) number ? megabytesAt(rounds, (int) number) : null;
      return s == null ? to : to.append(s);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException("labels only");
    }
  }
}
