package io.lianbang.cli;

import picocli.CommandLine.Option;

/** Flags shared by the commands that run a simulation and do not change what is simulated. */
final class RunOptions {
  @Option(names = {"-o", "--output"}, order = 40, paramLabel = "DIR",
      description = "Directory for history.csv, history.json, config.yaml and chart.png (default: runs/<name>-<yyyyMMdd-HHmmss>).")
  String output;

  @Option(names = "--no-progress", order = 41, description = "Do not draw the progress bar on a terminal.")
  boolean noProgress;

  @Option(names = "--no-chart", order = 42, description = "Do not write chart.png.")
  boolean noChart;

  @Option(names = "--no-store", order = 43, description = "Do not record the run in the run store (store.enabled false).")
  boolean noStore;
}
