package io.lianbang.cli.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeriesCollection;

/** The look the run charts share (JFreeChart line plots on white, light grid, round axis in integers). */
final class ChartStyle {
  static final Color GRID = new Color(0xe6, 0xe6, 0xe6);
  static final Color AXIS = new Color(0x44, 0x44, 0x44);
  static final Color TEXT = new Color(0x22, 0x22, 0x22);
  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

  private ChartStyle() {}

  /** Renders without a display unless the caller chose otherwise. */
  static void headless() {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  /** An axis of round numbers: integer ticks only. */
  static NumberAxis roundAxis(String label) {
    NumberAxis x = axis(label);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setAutoRangeIncludesZero(false);
    return x;
  }

  /** A value axis in the chart's fonts and colours. */
  static NumberAxis axis(String label) {
    NumberAxis a = new NumberAxis(label);
    a.setLabelFont(LABEL_FONT);
    a.setLabelPaint(TEXT);
    a.setTickLabelFont(TICK_FONT);
    a.setTickLabelPaint(TEXT);
    a.setAxisLinePaint(AXIS);
    a.setTickMarkPaint(AXIS);
    return a;
  }

  /** A line plot of {@code data} on white with a light grid; the renderer draws no shapes. */
  static XYPlot plot(XYSeriesCollection data, NumberAxis x, NumberAxis y) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setDefaultStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    renderer.setAutoPopulateSeriesStroke(false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setOutlinePaint(AXIS);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    plot.setNoDataMessage("no values recorded");
    plot.setNoDataMessageFont(LABEL_FONT);
    plot.setNoDataMessagePaint(AXIS);
    return plot;
  }

  /** A chart of {@code plot} on white, with {@code title} (null for none) and a legend inside the frame's edge. */
  static JFreeChart chart(String title, Font titleFont, XYPlot plot) {
    JFreeChart chart = new JFreeChart(title, titleFont, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) chart.getTitle().setPaint(TEXT);
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(TICK_FONT);
    legend.setItemPaint(TEXT);
    legend.setBackgroundPaint(Color.WHITE);
    return chart;
  }
}
