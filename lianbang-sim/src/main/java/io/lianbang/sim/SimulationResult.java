package io.lianbang.sim;

import io.lianbang.core.federation.RunResult;
import io.lianbang.privacy.report.PrivacyReport;
import io.lianbang.sim.spec.SimulationSpec;

/**
 * The outcome of a simulation.
 *
 * @param spec what ran
 * @param run the final model and the round history
 * @param kernels which training kernels ran ("vector" or "scalar")
 * @param seconds wall-clock duration of the whole run
 * @param privacy what left each client in which form, and the epsilon spent
 */
public record SimulationResult(SimulationSpec spec, RunResult run, String kernels, double seconds, PrivacyReport privacy) {
  /** A result without a privacy report. */
  public SimulationResult(SimulationSpec spec, RunResult run, String kernels, double seconds) {
    this(spec, run, kernels, seconds, PrivacyReport.empty());
  }
}
