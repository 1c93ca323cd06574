/**
 * Datasets for training and federated simulation, with no dependency beyond the JDK.
 *
 * <ul>
 *   <li>Reading: {@link io.lianbang.engine.data.IdxReader} (MNIST-style IDX, plain or gzipped),
 *       {@link io.lianbang.engine.data.CsvReader} (numeric CSV with a header).
 *   <li>Bundled and located data: {@link io.lianbang.engine.data.FashionMnist} (found offline in a
 *       given directory, {@code $LIANBANG_DATA_DIR}, the Debian package or the copy the project
 *       ships in {@code datasets/}, checked by SHA-256), {@link io.lianbang.engine.data.BreastCancer}
 *       (on the classpath).
 *   <li>Preparation: {@link io.lianbang.engine.data.Splits}, {@link io.lianbang.engine.data.Standardizer},
 *       {@link io.lianbang.engine.data.MinMaxScaler}.
 *   <li>Simulation: {@link io.lianbang.engine.data.Partitioner} and its implementations, producing a
 *       {@link io.lianbang.engine.data.Partition} with a printable
 *       {@link io.lianbang.engine.data.PartitionSummary}.
 * </ul>
 *
 * <p>Everything random takes a {@code long seed} and is reproducible to the bit across machines,
 * JDKs and thread counts.
 */
package io.lianbang.engine.data;
