package io.lianbang.sim;

import io.lianbang.core.federation.RunResult;
import io.lianbang.sim.spec.SimulationSpec;

/**
 * The outcome of a simulation.
 *
 * @param spec what ran
 * @param run the final model and the round history
 * @param kernels which training kernels ran ("vector" or "scalar")
 * @param seconds wall-clock duration of the whole run
 */
public record SimulationResult(SimulationSpec spec, RunResult run, String kernels, double seconds) {}
