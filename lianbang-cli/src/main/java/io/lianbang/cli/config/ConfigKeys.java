package io.lianbang.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys of a configuration, read from its schema (the records the YAML binds onto) with their
 * defaults: what {@code --help} lists and what {@code docs/configuration.md} documents.
 */
public final class ConfigKeys {
  private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  /**
   * One key.
   *
   * @param path its YAML path, e.g. {@code strategy.clients_per_round}; a map's entries as
   *     {@code <name>}, e.g. {@code strategy.params.<name>}
   * @param value its default as YAML text, or null if it has none
   * @param secret whether it is a {@link Secret}
   */
  public record Key(String path, String value, boolean secret) {}

  private ConfigKeys() {}

  /** The keys of {@code simulate} (and {@code demo}, {@code experiment}'s base). */
  public static List<Key> simulate() {
    ObjectNode demo = ConfigLoader.toJsonTree(io.lianbang.sim.spec.SimulationSpec.demo());
    List<Key> keys = list(io.lianbang.sim.spec.SimulationSpec.class, demo);
    collect(OutputConfig.class, "output.", null, keys);
    collect(StoreConfig.class, "store.", ConfigLoader.jsonMapper().valueToTree(StoreConfig.defaults()), keys);
    return keys;
  }

  /** The keys of {@code server}. */
  public static List<Key> server() {
    return list(ServerSpec.class, ServerSpec.defaults());
  }

  /** The keys of {@code client}. */
  public static List<Key> client() {
    return list(ClientSpec.class, ClientSpec.defaults());
  }

  /** The keys of {@code keyholder}. */
  public static List<Key> keyHolder() {
    return list(KeyHolderSpec.class, KeyHolderSpec.defaults());
  }

  /** The keys of {@code edge}. */
  public static List<Key> edge() {
    return list(EdgeSpec.class, EdgeSpec.defaults());
  }

  /** The keys of {@code vertical psi} and {@code vertical train}. */
  public static List<Key> vertical() {
    return list(VerticalSpec.class, VerticalSpec.defaults());
  }

  /** The keys of {@code type}, a record, with the defaults in {@code defaults}. */
  static List<Key> list(Class<?> type, ObjectNode defaults) {
    List<Key> keys = new ArrayList<>();
    collect(type, "", defaults, keys);
    return keys;
  }

  private static void collect(Class<?> type, String prefix, JsonNode defaults, List<Key> into) {
    for (RecordComponent c : type.getRecordComponents()) {
      String name = key(c);
      String path = prefix + name;
      JsonNode value = defaults == null ? null : defaults.get(name);
      Class<?> t = c.getType();
      if (t.isRecord()) {
        collect(t, path + ".", value, into);
      } else if (Map.class.isAssignableFrom(t)) {
        into.add(new Key(path + ".<name>", null, c.isAnnotationPresent(Secret.class)));
      } else {
        into.add(new Key(path, value == null || value.isNull() ? null : value.isArray() ? value.toString() : value.asText(),
            c.isAnnotationPresent(Secret.class)));
      }
    }
  }

  /** The YAML key of a record component: its name in snake_case. */
  static String key(RecordComponent c) {
    return SNAKE.translate(c.getName());
  }

  /** {@code keys} as help lines: {@code path = default} or {@code path (no default)}. */
  public static List<String> lines(List<Key> keys) {
    List<String> lines = new ArrayList<>();
    for (Key k : keys) {
      lines.add("  " + k.path() + (k.value() == null ? "" : " = " + k.value()) + (k.secret() ? " (secret: never written out)" : ""));
    }
    return lines;
  }
}
