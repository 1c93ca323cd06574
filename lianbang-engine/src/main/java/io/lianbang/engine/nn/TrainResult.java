package io.lianbang.engine.nn;

/**
 * The outcome of a {@link LocalTraining} run.
 *
 * @param meanLoss     mean training loss per example seen (each batch's mean loss weighted by its size)
 * @param examplesSeen examples processed, summed over epochs
 */
public record TrainResult(double meanLoss, long examplesSeen) {}
