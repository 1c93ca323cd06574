/**
 * Dense linear-algebra kernels for the training engine: general matrix multiplication in the
 * shapes a neural network needs, column sums, transposition and the im2col lowering used by
 * convolutions.
 *
 * <h2>Determinism</h2>
 * Every kernel computes each output element as one chain of {@code fma} operations in ascending
 * order of the reduction index, starting from a defined initial value. Work is split between
 * threads only along output elements, never inside a reduction, and no kernel uses a horizontal
 * (lane-order dependent) sum. Results are therefore bit-identical for every thread count, before
 * and after JIT compilation, and between the {@linkplain Kernels#scalar() scalar} and
 * {@linkplain Kernels#vector() vector} implementations.
 *
 * <h2>Implementations</h2>
 * {@link io.lianbang.engine.kernel.Kernels#get()} picks the JDK Vector API implementation when
 * the module {@code jdk.incubator.vector} is in the boot layer and the JDK is 21 or newer, and
 * the portable scalar implementation otherwise. The system property {@code lianbang.kernels}
 * ({@code scalar} or {@code vector}) overrides the choice.
 */
package io.lianbang.engine.kernel;
