package io.lianbang.sim.spec;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.compress.Float32;
import io.lianbang.core.check.Require;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How models and updates travel (the {@code compression} section), the same for {@code simulate}
 * and {@code server}: {@link Compression} built from names and numbers, checked on construction.
 *
 * @param uplink the clients' updates
 * @param downlink the server's broadcast
 */
public record CompressionSpec(Uplink uplink, Downlink downlink) {
  /** The codec word that turns a direction's compression off. */
  public static final String NONE = "none";

  public CompressionSpec {
    Objects.requireNonNull(uplink, "compression.uplink");
    Objects.requireNonNull(downlink, "compression.downlink");
  }

  /** Float32 both ways. */
  public static CompressionSpec none() {
    return new CompressionSpec(new Uplink(NONE, null, null, null, null, null, null, false), new Downlink(NONE, null, null, false));
  }

  /** The compression these settings describe. */
  public Compression compression() {
    return new Compression(uplink.toCodec(), uplink.errorFeedback(), downlink.toCodec(), downlink.delta());
  }

  /** Whether either direction is compressed. */
  public boolean active() {
    return !uplink.codec().equals(NONE) || !downlink.codec().equals(NONE);
  }

  /**
   * The clients' updates ({@code compression.uplink}): each client sends {@code trained − start}
   * encoded by the codec.
   *
   * @param codec {@code none} (send the trained model as float32), a dense codec ({@code float32},
   *     {@code fp16}, {@code bf16}, {@code int8}, {@code int4}, {@code qsgd}) or a sparse one
   *     ({@code topk}, {@code randomk})
   * @param values a sparse codec's value codec (a dense name; default float32); only with {@code topk} or {@code randomk}
   * @param fraction a sparse codec's share of values kept, in (0, 1] (default 0.01)
   * @param count a sparse codec's number of values kept per tensor, instead of {@code fraction}
   * @param minCount with {@code fraction}, the least number of values kept per tensor (all of a
   *     smaller one; default 100)
   * @param block values per block of {@code int8} and {@code int4} (default 1024) or per bucket of {@code qsgd} (default 512)
   * @param levels {@code qsgd}'s levels s, in [1, 127] (default 127)
   * @param errorFeedback whether each client keeps what the codec did not send and adds it to its next update
   */
  public record Uplink(String codec, String values, Double fraction, Integer count, Integer minCount, Integer block, Integer levels,
      boolean errorFeedback) {
    public Uplink {
      List<String> names = new ArrayList<>(List.of(NONE));
      names.addAll(Codecs.DENSE);
      names.addAll(Codecs.SPARSE);
      Require.oneOf("compression.uplink.codec", codec, names.toArray(String[]::new));
      boolean sparse = Codecs.SPARSE.contains(codec);
      if (values != null) {
        if (!sparse) throw new IllegalArgumentException("compression.uplink.values applies only to codec topk or randomk, the codec is " + codec);
        Require.oneOf("compression.uplink.values", values, Codecs.DENSE.toArray(String[]::new));
      }
      if (errorFeedback && codec.equals(NONE)) {
        throw new IllegalArgumentException("compression.uplink.error_feedback needs a codec, compression.uplink.codec is none");
      }
      if (codec.equals(NONE) && (fraction != null || count != null || minCount != null || block != null || levels != null)) {
        throw new IllegalArgumentException("compression.uplink: codec none takes no parameters, got "
            + parameters(fraction, count, minCount, block, levels));
      }
      create(codec, values, fraction, count, minCount, block, levels, "compression.uplink");
    }

    /** The codec, or null for {@code none}. */
    public Codec toCodec() {
      return create(codec, values, fraction, count, minCount, block, levels, "compression.uplink");
    }
  }

  /**
   * The server's broadcast ({@code compression.downlink}).
   *
   * @param codec {@code none} (float32), {@code fp16}, {@code bf16}, {@code int8}, {@code int4} or {@code qsgd}
   * @param block values per block of {@code int8} and {@code int4} (default 1024) or per bucket of {@code qsgd} (default 512)
   * @param levels {@code qsgd}'s levels s, in [1, 127] (default 127)
   * @param delta whether to send the difference to the previous round's model to clients that hold
   *     it (the exact float32 model to others), instead of the encoded model
   */
  public record Downlink(String codec, Integer block, Integer levels, boolean delta) {
    public Downlink {
      List<String> names = new ArrayList<>(List.of(NONE));
      names.addAll(Codecs.DENSE);
      names.remove(Float32.NAME);
      Require.oneOf("compression.downlink.codec", codec, names.toArray(String[]::new));
      if (delta && codec.equals(NONE)) {
        throw new IllegalArgumentException("compression.downlink.delta needs a codec, compression.downlink.codec is none");
      }
      if (codec.equals(NONE) && (block != null || levels != null)) {
        throw new IllegalArgumentException("compression.downlink: codec none takes no parameters, got " + parameters(null, null, null, block, levels));
      }
      create(codec, null, null, null, null, block, levels, "compression.downlink");
    }

    /** The codec, or null for {@code none}. */
    public Codec toCodec() {
      return create(codec, null, null, null, null, block, levels, "compression.downlink");
    }
  }

  private static Codec create(String name, String values, Double fraction, Integer count, Integer minCount, Integer block,
      Integer levels, String key) {
    if (name.equals(NONE)) return null;
    String full = values == null || values.equals(Float32.NAME) ? name : name + "+" + values;
    try {
      return Codecs.create(full, parameters(fraction, count, minCount, block, levels));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Double> parameters(Double fraction, Integer count, Integer minCount, Integer block, Integer levels) {
    Map<String, Double> p = new TreeMap<>();
    if (fraction != null) p.put("fraction", fraction);
    if (count != null) p.put("count", count.doubleValue());
    if (minCount != null) p.put("min_count", minCount.doubleValue());
    if (block != null) p.put("block", block.doubleValue());
    if (levels != null) p.put("levels", levels.doubleValue());
    return p;
  }
}
