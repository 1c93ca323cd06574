package io.lianbang.core.compress;

import io.lianbang.core.text.Abbreviation;
import java.util.List;
import java.util.Map;

/**
 * Builds codecs from a name and numeric parameters, as configuration and the wire name them.
 *
 * <table>
 *   <caption>Names and parameters</caption>
 *   <tr><th>name</th><th>parameters (default)</th></tr>
 *   <tr><td>{@code float32}, {@code fp16}, {@code bf16}</td><td>none</td></tr>
 *   <tr><td>{@code int8}, {@code int4}</td><td>{@code block} (1024)</td></tr>
 *   <tr><td>{@code qsgd}</td><td>{@code levels} (127), {@code block} (512)</td></tr>
 *   <tr><td>{@code topk}</td><td>{@code fraction} (0.01) with {@code min_count} (100), or {@code count}</td></tr>
 *   <tr><td>{@code randomk}</td><td>as {@code topk}; {@code scaled} (1: values times n/k; 0: unscaled)</td></tr>
 *   <tr><td>{@code topk+D}, {@code randomk+D}</td><td>the sparse parameters and those of the dense codec D</td></tr>
 * </table>
 */
public final class Codecs {
  private Codecs() {}

  /** The dense codec names. */
  public static final List<String> DENSE = List.of(Float32.NAME, Fp16.NAME, Bf16.NAME, "int8", "int4", Qsgd.NAME);

  /** The sparse selector names, usable alone or as {@code selector+dense}. */
  public static final List<String> SPARSE = List.of(TopK.NAME, RandomK.NAME);

  /**
   * The codec {@code name} with {@code parameters} (absent ones take their defaults).
   *
   * @throws IllegalArgumentException naming the codec or parameter and the value, if the name is
   *     unknown (the message lists the valid names), a parameter is unknown to the codec or a value
   *     is out of its range
   */
  public static Codec create(String name, Map<String, Double> parameters) {
    if (name == null) throw new IllegalArgumentException("codec name is missing (valid: " + valid() + ")");
    CodecParameters p = new CodecParameters(Abbreviation.abbreviate(name), parameters);
    Codec codec;
    int plus = name.indexOf('+');
    String head = plus < 0 ? name : name.substring(0, plus);
    if (SPARSE.contains(head)) {
      String dense = plus < 0 ? Float32.NAME : name.substring(plus + 1);
      if (!DENSE.contains(dense)) throw unknown(name);
      SparseCount k = SparseCount.from(p, name);
      SparseSelector selector = head.equals(TopK.NAME)
          ? new TopK(k)
          : new RandomK(k, p.integer("scaled", 1, 0, 1) == 1);
      codec = new SparseCodec(selector, dense(dense, p));
    } else if (DENSE.contains(name)) {
      codec = dense(name, p);
    } else {
      throw unknown(name);
    }
    p.done();
    return codec;
  }

  private static Codec dense(String name, CodecParameters p) {
    return switch (name) {
      case Float32.NAME -> new Float32();
      case Fp16.NAME -> new Fp16();
      case Bf16.NAME -> new Bf16();
      case "int8" -> new BlockQuantizer(8, p.integer("block", BlockQuantizer.DEFAULT_BLOCK, 1, BlockQuantizer.MAX_BLOCK));
      case "int4" -> new BlockQuantizer(4, p.integer("block", BlockQuantizer.DEFAULT_BLOCK, 1, BlockQuantizer.MAX_BLOCK));
      case Qsgd.NAME -> new Qsgd(p.integer("levels", Qsgd.DEFAULT_LEVELS, 1, 127),
          p.integer("block", Qsgd.DEFAULT_BLOCK, 1, BlockQuantizer.MAX_BLOCK));
      default -> throw unknown(name);
    };
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown codec '" + Abbreviation.abbreviate(name) + "' (valid: " + valid() + ")");
  }

  private static String valid() {
    return String.join(", ", DENSE) + ", " + String.join(", ", SPARSE) + ", " + String.join("|", SPARSE) + "+<dense>";
  }
}
