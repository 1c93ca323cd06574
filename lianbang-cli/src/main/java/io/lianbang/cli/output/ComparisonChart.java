package io.lianbang.cli.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** One chart comparing several runs with JFreeChart: test accuracy (percent) per round, one line per series. */
public final class ComparisonChart {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

  /** A named line: {@code y[i]} is the value after round {@code i} (NaN where not measured). */
  public record Series(String name, double[] y) {}

  private ComparisonChart() {}

  /** Writes the chart as a 1000×600 PNG. */
  public static void write(List<Series> series, String title, Path file) throws IOException {
    ChartStyle.headless();
    ChartUtils.saveChartAsPNG(file.toFile(), chart(series, title), 1000, 600);
  }

  /** Draws the chart. */
  public static BufferedImage render(List<Series> series, String title, int width, int height) {
    ChartStyle.headless();
    return chart(series, title).createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
  }

  /** The chart: a line per series in percent, a gap where a round has no value. */
  static JFreeChart chart(List<Series> series, String title) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : series) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      for (int r = 0; r < s.y().length; r++) xy.add(Integer.valueOf(r), Double.isFinite(s.y()[r]) ? Double.valueOf(100 * s.y()[r]) : null);
      data.addSeries(xy);
    }
    NumberAxis y = ChartStyle.axis("test accuracy (%)");
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = ChartStyle.plot(data, ChartStyle.roundAxis("round"), y);
    XYItemRenderer renderer = plot.getRenderer();
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }
    return ChartStyle.chart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot);
  }
}
