package io.lianbang.core.task;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable key-value configuration sent from the server to a client with a task (learning rate,
 * epochs, batch size, ...). Values are booleans, longs, doubles or strings.
 *
 * @param values the entries, sorted by key (an unmodifiable copy; integers held as longs, floats as doubles)
 */
public record Config(Map<String, Object> values) {
  private static final Config EMPTY = new Config(Map.of());

  /**
   * A configuration holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a value is not a Boolean, Number or String
   */
  public Config {
    TreeMap<String, Object> m = new TreeMap<>();
    values.forEach((k, v) -> m.put(k, normalise(k, v)));
    values = Collections.unmodifiableMap(m);
  }

  /** The empty configuration. */
  public static Config empty() {
    return EMPTY;
  }

  /**
   * A configuration holding {@code values}.
   *
   * @throws IllegalArgumentException if a value is not a Boolean, Number or String
   */
  public static Config of(Map<String, ?> values) {
    return new Config(Collections.unmodifiableMap(values));
  }

  private static Object normalise(String key, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof Double) return ((Number) v).doubleValue();
    if (v instanceof Boolean || v instanceof String) return v;
    throw new IllegalArgumentException("config " + key + ": unsupported value " + v + " (" + (v == null ? "null" : v.getClass().getSimpleName()) + ")");
  }

  /** A copy with {@code key} set to {@code value}. */
  public Config with(String key, Object value) {
    TreeMap<String, Object> m = new TreeMap<>(values);
    m.put(key, value);
    return new Config(m);
  }

  /** All entries, sorted by key. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** True if {@code key} is present. */
  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The number at {@code key}, or {@code defaultValue} if absent. */
  public double getDouble(String key, double defaultValue) {
    Object v = values.get(key);
    if (v == null) return defaultValue;
    if (v instanceof Number n) return n.doubleValue();
    throw new IllegalArgumentException("config " + key + " must be a number, got " + v);
  }

  /** The integer at {@code key}, or {@code defaultValue} if absent. */
  public long getLong(String key, long defaultValue) {
    Object v = values.get(key);
    if (v == null) return defaultValue;
    if (v instanceof Long l) return l;
    if (v instanceof Double d && d == Math.rint(d)) return d.longValue();
    throw new IllegalArgumentException("config " + key + " must be an integer, got " + v);
  }

  /** The integer at {@code key} as an int, or {@code defaultValue} if absent. */
  public int getInt(String key, int defaultValue) {
    long v = getLong(key, defaultValue);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config " + key + " is out of int range, got " + v);
    }
    return (int) v;
  }

  /** The string at {@code key}, or {@code defaultValue} if absent. */
  public String getString(String key, String defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : v.toString();
  }

  /** The boolean at {@code key}, or {@code defaultValue} if absent. */
  public boolean getBoolean(String key, boolean defaultValue) {
    Object v = values.get(key);
    if (v == null) return defaultValue;
    if (v instanceof Boolean b) return b;
    throw new IllegalArgumentException("config " + key + " must be true or false, got " + v);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
