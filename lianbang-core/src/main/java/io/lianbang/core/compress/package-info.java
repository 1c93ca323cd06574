/**
 * Compression of float32 vectors (a tensor's values) for the wire, both ways.
 *
 * <p>A {@link io.lianbang.core.compress.Codec} encodes {@code n} values into exactly
 * {@link io.lianbang.core.compress.Codec#encodedBytes(int)} bytes and decodes them chunk by chunk
 * through a {@link io.lianbang.core.compress.ChunkDecoder}, so a receiver can decode into a reusable
 * chunk buffer and add into an accumulator in O(chunk) memory. Codecs are immutable and thread-safe;
 * encoding and decoding allocate nothing per value. All bytes are little-endian.
 *
 * <ul>
 *   <li>{@link io.lianbang.core.compress.Float32}: the identity, 4 bytes per value;
 *   <li>{@link io.lianbang.core.compress.Fp16} and {@link io.lianbang.core.compress.Bf16}: 16-bit
 *       floats, round to nearest even;
 *   <li>{@link io.lianbang.core.compress.BlockQuantizer}: 8-bit and 4-bit codes with a minimum and a
 *       scale per block, stochastic rounding (unbiased);
 *   <li>{@link io.lianbang.core.compress.Qsgd}: QSGD (Alistarh et al. 2017), s levels of the L2
 *       norm per bucket, stochastic rounding (unbiased);
 *   <li>{@link io.lianbang.core.compress.SparseCodec}: k of n values chosen by
 *       {@link io.lianbang.core.compress.TopK} or {@link io.lianbang.core.compress.RandomK}, their
 *       indices coded by {@link io.lianbang.core.compress.IndexCoding} and their values by a dense
 *       codec;
 *   <li>{@link io.lianbang.core.compress.ErrorFeedback}: per-client residuals that a biased codec
 *       did not send, added to the next update (Stich et al. 2018; Karimireddy et al. 2019).
 * </ul>
 *
 * <p>{@link io.lianbang.core.compress.Codecs#create} builds a codec from a name and numeric
 * parameters. Randomness (stochastic rounding, random-k) comes only from the seed the caller passes
 * to {@code encode}, through {@link io.lianbang.core.random.SplitMix64}: the same seed gives the
 * same bytes on every machine and thread count.
 */
package io.lianbang.core.compress;
