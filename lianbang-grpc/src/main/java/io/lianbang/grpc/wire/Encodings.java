package io.lianbang.grpc.wire;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.grpc.proto.v1.Encoding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/** Codecs on the wire ({@link Encoding}) and the codec names a peer declares. */
public final class Encodings {
  private Encodings() {}

  /** Every codec name a peer may declare: the dense codecs and the sparse selectors. */
  public static List<String> all() {
    List<String> names = new ArrayList<>(Codecs.DENSE);
    names.addAll(Codecs.SPARSE);
    return List.copyOf(names);
  }

  /** The names of {@code declared} this implementation knows, in {@link #all()} order: what a peer's declaration means here. */
  public static List<String> known(Collection<String> declared) {
    List<String> out = new ArrayList<>();
    for (String name : all()) if (declared.contains(name)) out.add(name);
    return List.copyOf(out);
  }

  /** Whether a peer that declared {@code declared} can use {@code codec}: every part of its name ({@code topk+int8}) is declared. */
  public static boolean supports(Collection<String> declared, Codec codec) {
    for (String part : codec.name().split("\\+", -1)) if (!declared.contains(part)) return false;
    return true;
  }

  /** {@code codec} on the wire: its name and every parameter. */
  public static Encoding of(Codec codec) {
    return Encoding.newBuilder().setCodec(codec.name()).putAllParameters(codec.parameters()).build();
  }

  /**
   * The codec an {@link Encoding} received from a peer names.
   *
   * @throws IllegalArgumentException naming the codec or parameter and the (abbreviated) value if
   *     {@link Codecs#create} refuses it
   */
  public static Codec codec(Encoding encoding) {
    return Codecs.create(encoding.getCodec(), encoding.getParametersMap());
  }

  /** Whether {@code encoding} names {@code codec}: the same name and parameters, absent ones at their defaults. */
  public static boolean names(Encoding encoding, Codec codec) {
    try {
      Codec c = codec(encoding);
      return c.name().equals(codec.name()) && c.parameters().equals(codec.parameters());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A short description of an encoding a peer sent, e.g. {@code int8{block=1024.0}}, bounded in length. */
  public static String describe(Encoding encoding) {
    StringBuilder b = new StringBuilder(Abbreviation.abbreviate(encoding.getCodec())).append('{');
    int shown = 0;
    for (var e : new TreeMap<>(encoding.getParametersMap()).entrySet()) {
      if (shown == 4) {
        b.append(", ... (").append(encoding.getParametersCount()).append(" parameters)");
        break;
      }
      b.append(shown++ > 0 ? ", " : "").append(Abbreviation.abbreviate(e.getKey())).append('=').append(e.getValue());
    }
    return b.append('}').toString().replaceAll("[^\\x20-\\x7e]", "?");
  }
}
