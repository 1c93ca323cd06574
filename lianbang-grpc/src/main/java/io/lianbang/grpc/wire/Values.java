package io.lianbang.grpc.wire;

import io.lianbang.core.task.Config;
import io.lianbang.core.task.Metrics;
import io.lianbang.grpc.proto.v1.Value;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Converts task configurations and metrics to and from their protocol form. */
public final class Values {
  private Values() {}

  /** The protocol form of {@code config}. */
  public static Map<String, Value> toProto(Config config) {
    Map<String, Value> out = new LinkedHashMap<>();
    config.asMap().forEach((k, v) -> {
      Value.Builder b = Value.newBuilder();
      if (v instanceof Boolean x) b.setBoolValue(x);
      else if (v instanceof Long x) b.setIntValue(x);
      else if (v instanceof Double x) b.setDoubleValue(x);
      else b.setStringValue(v.toString());
      out.put(k, b.build());
    });
    return out;
  }

  /**
   * The configuration a message carries.
   *
   * @throws IllegalArgumentException naming the key if a value is empty
   */
  public static Config fromProto(Map<String, Value> config) {
    TreeMap<String, Object> m = new TreeMap<>();
    config.forEach((k, v) -> m.put(k, switch (v.getKindCase()) {
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case STRING_VALUE -> v.getStringValue();
      case KIND_NOT_SET -> throw new IllegalArgumentException("config " + k + " has no value");
    }));
    return Config.of(m);
  }

  /**
   * Metrics from their protocol form.
   *
   * @throws IllegalArgumentException naming the metric if a value is NaN or infinite
   */
  public static Metrics metrics(Map<String, Double> metrics) {
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException("metric " + e.getKey() + " is " + e.getValue() + ", not a finite number");
      }
    }
    return Metrics.of(metrics);
  }
}
