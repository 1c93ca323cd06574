package io.lianbang.engine.nn;

/**
 * The outcome of a {@link LocalTraining} run.
 *
 * @param meanLoss     mean training loss per example seen (each batch's mean loss weighted by its size)
 * @param examplesSeen examples processed, summed over epochs
 * @param steps        optimizer steps taken (batches processed), what FedNova calls τ
 */
public record TrainResult(double meanLoss, long examplesSeen, long steps) {}
