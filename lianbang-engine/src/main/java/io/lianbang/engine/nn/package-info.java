/**
 * Neural-network training on the engine kernels: layers, losses, optimizers, ready-made models
 * and a local training loop.
 *
 * <p>Entry points: {@link io.lianbang.engine.nn.Models} / {@link io.lianbang.engine.nn.ModelSpec}
 * build a {@link io.lianbang.engine.nn.Model}; {@link io.lianbang.engine.nn.LocalTraining} trains it
 * for some epochs over a {@link io.lianbang.engine.data.Dataset}; {@link
 * io.lianbang.engine.nn.Model#parameters()} and {@link io.lianbang.engine.nn.Model#load} move its
 * weights in and out as {@link io.lianbang.core.tensor.Parameters}.
 *
 * <p>Reproducibility: every random choice (initial weights, dropout masks, shuffling) derives
 * from a seed passed in, and all arithmetic is bit-identical for every intra-op thread count and
 * from the first call on (see {@link io.lianbang.engine.kernel}).
 *
 * <p>Data layout: a batch is a row-major {@code n × features} float array; images are NCHW.
 * Layers, models and optimizers are not thread-safe: use one model per thread (a simulation runs
 * one model per virtual client) and let a model use several intra-op threads if desired.
 */
package io.lianbang.engine.nn;
