package io.lianbang.core.compress;

import io.lianbang.core.text.Abbreviation;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The numeric parameters given for one codec: typed reads with defaults and ranges, and a final
 * check that no unknown parameter was given. Messages name the codec, the parameter and the value.
 */
final class CodecParameters {
  private final String codec;
  private final Map<String, Double> given;
  private final TreeSet<String> known = new TreeSet<>();

  CodecParameters(String codec, Map<String, Double> given) {
    this.codec = codec;
    this.given = new TreeMap<>();
    given.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("codec " + codec + ": parameter " + Abbreviation.abbreviate(String.valueOf(k)) + " has no value");
      }
      this.given.put(k, v);
    });
  }

  /** Whether {@code key} was given. */
  boolean has(String key) {
    known.add(key);
    return given.containsKey(key);
  }

  /** An integer in {@code [min, max]}, {@code def} when not given. */
  int integer(String key, int def, int min, int max) {
    known.add(key);
    Double v = given.get(key);
    if (v == null) return def;
    if (v != Math.rint(v) || v < min || v > max) {
      throw new IllegalArgumentException(
          "codec " + codec + ": parameter " + key + " must be an integer in [" + min + ", " + max + "], got " + v);
    }
    return v.intValue();
  }

  /** A number in {@code (minExclusive, max]}, {@code def} when not given. */
  double number(String key, double def, double minExclusive, double max) {
    known.add(key);
    Double v = given.get(key);
    if (v == null) return def;
    if (!(v > minExclusive && v <= max)) {
      throw new IllegalArgumentException(
          "codec " + codec + ": parameter " + key + " must be in (" + minExclusive + ", " + max + "], got " + v);
    }
    return v;
  }

  /** Throws if a parameter was given that no read asked for, listing the valid ones. */
  void done() {
    for (String k : given.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("codec " + codec + ": unknown parameter '" + Abbreviation.abbreviate(k) + "' (valid: "
            + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
      }
    }
  }
}
