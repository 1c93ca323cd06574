package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.lianbang.core.check.Require;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.sim.spec.SimulationSpec;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads and writes configurations as YAML, bound directly onto immutable records (snake_case
 * keys, the records' canonical constructors): a run ({@link SimulationSpec}), a server
 * ({@link ServerSpec}), a client ({@link ClientSpec}) and a key holder ({@link KeyHolderSpec}).
 *
 * <p>The defaults are written as a tree (the demo's for a run), the file's tree is merged over it
 * (sections key by key, so keys a file leaves out keep their defaults), {@code --set
 * key.path=value} assignments are applied, every key is checked against the records, and the
 * result is bound onto the records, whose constructors validate.
 * Every failure is a {@link ConfigException} whose message names the key, where it is, and the
 * offending value, for example {@code unknown key 'alpah' in partition (valid: alpha,
 * examples_per_client, kind, min_size, num_clients, shards_per_client)}.
 */
public final class ConfigLoader {
  /** The top-level key of the output section, read beside the simulation. */
  private static final String OUTPUT = "output";
  /** The top-level key of the store section, read beside the simulation. */
  private static final String STORE = "store";

  /** Paths as plain text; relative paths resolve against the current directory, {@code ~/} is the home directory. */
  private static final SimpleModule PATHS = new SimpleModule("paths")
      .addSerializer(Path.class, ToStringSerializer.instance)
      .addDeserializer(Path.class, new StdScalarDeserializer<Path>(Path.class) {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
          if (!p.currentToken().isScalarValue()) return (Path) ctxt.handleUnexpectedToken(Path.class, p);
          return toPath(p.getValueAsString());
        }
      });

  /** The top-level keys of a run in the order files show them: the scalars first, then the sections. */
  @com.fasterxml.jackson.annotation.JsonPropertyOrder({"name", "seed", "rounds", "threads", "model", "evaluate_every"})
  private interface SimulationKeyOrder {}

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .addModule(PATHS)
      .addMixIn(SimulationSpec.class, SimulationKeyOrder.class)
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private static final JsonMapper JSON = JsonMapper.builder()
      .addModule(PATHS)
      .addMixIn(SimulationSpec.class, SimulationKeyOrder.class)
      .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private ConfigLoader() {}

  /**
   * The configuration in {@code file} with {@code assignments} ({@code key.path=value}) applied.
   *
   * @throws ConfigException if the file is missing or unreadable, is not valid YAML, or holds an
   *     unknown key or a value of the wrong type
   */
  public static RunConfig load(Path file, List<String> assignments) {
    Objects.requireNonNull(file, "file");
    ObjectNode tree = readTree(file);
    for (String a : assignments) set(tree, a);
    return map(tree);
  }

  /** The demo's configuration with {@code assignments} ({@code key.path=value}) applied. */
  public static RunConfig defaults(List<String> assignments) {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    for (String a : assignments) set(tree, a);
    return map(tree);
  }

  /** {@code yaml} (the text of a configuration file) mapped onto the demo's configuration. */
  public static RunConfig parse(String yaml) {
    return map(parseTree(yaml, "configuration"));
  }

  /** {@code spec} as YAML, re-loadable by {@link #load}. */
  public static String toYaml(SimulationSpec spec) {
    try {
      return YAML.writeValueAsString(toJsonTree(spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration as YAML", e);
    }
  }

  /** {@code tree} (a configuration as a tree, e.g. a server's) as YAML. */
  public static String toYaml(ObjectNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration as YAML", e);
    }
  }

  /** {@code spec} as a tree with the same snake_case keys as the YAML. */
  public static ObjectNode toJsonTree(SimulationSpec spec) {
    return JSON.valueToTree(spec);
  }

  /** The mapper for JSON outputs: snake_case keys, nulls left out. */
  public static ObjectMapper jsonMapper() {
    return JSON;
  }

  static ObjectNode readTree(Path file) {
    String text;
    try {
      if (Files.isDirectory(file)) throw new ConfigException("config file is a directory: " + file);
      text = Files.readString(file);
    } catch (CharacterCodingException e) {
      throw new ConfigException("config file " + file + " is not a text file (it is not valid UTF-8)", e);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file.toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) throw new ConfigException("config file " + file + " is not a text file (it holds a NUL byte at character " + nul + ")");
    return parseTree(text, file.toString());
  }

  private static ObjectNode parseTree(String text, String source) {
    JsonNode node;
    try {
      node = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid YAML in " + source + at(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()), e);
    }
    if (node == null || node.isMissingNode() || node.isNull()) return JsonNodeFactory.instance.objectNode();
    if (!node.isObject()) {
      throw new ConfigException(source + " must hold a mapping of keys at the top level, got " + describe(node));
    }
    return (ObjectNode) node;
  }

  /**
   * Applies one {@code key.path=value} assignment to {@code tree}; the value is read as a YAML
   * scalar, so {@code 0.3} is a number and an empty value is null, or as a YAML flow sequence of
   * scalars if it is one in brackets ({@code [a, b]}), for a list-valued key.
   */
  static void set(ObjectNode tree, String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) throw new ConfigException("--set expects key.path=value, got '" + Abbreviation.abbreviate(assignment) + "'");
    String key = assignment.substring(0, eq).strip();
    String raw = assignment.substring(eq + 1).strip();
    String[] parts = key.split("\\.", -1);
    ObjectNode node = tree;
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      String p = parts[i];
      if (p.isEmpty()) throw new ConfigException("--set expects key.path=value, got '" + Abbreviation.abbreviate(assignment) + "'");
      where.append(where.length() == 0 ? "" : ".").append(p);
      JsonNode child = node.get(p);
      if (child == null || child.isNull()) {
        node = node.putObject(p);
      } else if (child.isObject()) {
        node = (ObjectNode) child;
      } else {
        throw new ConfigException("--set " + Abbreviation.abbreviate(key) + ": '" + Abbreviation.abbreviate(where.toString()) + "' is not a section, it holds " + describe(child));
      }
    }
    String last = parts[parts.length - 1];
    if (last.isEmpty()) throw new ConfigException("--set expects key.path=value, got '" + Abbreviation.abbreviate(assignment) + "'");
    node.set(last, scalar(raw));
  }

  /**
   * The {@code --set} assignment that gives {@code path} the value {@code value}: numbers and
   * booleans as written, anything else as a quoted string, so that a flag's text stays text.
   */
  public static String assignment(String path, Object value) {
    if (value instanceof Number || value instanceof Boolean) return path + "=" + value;
    try {
      if (value instanceof List<?> list) {
        return path + "=" + JSON.writeValueAsString(list.stream().map(String::valueOf).toList()); // [a, b] as a sequence of strings
      }
      return path + "=" + JSON.writeValueAsString(String.valueOf(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot quote a flag's value", e);
    }
  }

  private static JsonNode scalar(String raw) {
    if (raw.isEmpty()) return JsonNodeFactory.instance.nullNode();
    try {
      JsonNode n = YAML.readTree(raw);
      if (n != null && n.isValueNode()) return n;
      boolean bracketed = raw.startsWith("[") && raw.endsWith("]");
      if (bracketed && n != null && n.isArray() && java.util.stream.StreamSupport.stream(n.spliterator(), false).allMatch(JsonNode::isValueNode)) {
        return n;
      }
    } catch (JsonProcessingException e) {
      // not a YAML scalar: keep the text
    }
    return JsonNodeFactory.instance.textNode(raw);
  }

  /** {@code tree} merged over the demo's configuration and bound onto the records. */
  static RunConfig map(ObjectNode tree) {
    ObjectNode merged = merge(toJsonTree(SimulationSpec.demo()), tree);
    JsonNode output = merged.remove(OUTPUT);
    JsonNode store = merged.remove(STORE);
    SimulationSpec spec = mapAs(merged, SimulationSpec.class, List.of(OUTPUT, STORE));
    ObjectNode section = JsonNodeFactory.instance.objectNode();
    if (output != null && !output.isNull()) section.set(OUTPUT, output);
    ObjectNode storeDefaults = JSON.valueToTree(StoreConfig.defaults());
    section.set(STORE, store == null || store.isNull() ? storeDefaults : store.isObject() ? merge(storeDefaults, (ObjectNode) store) : store);
    Sections sections = mapAs(section, Sections.class, List.of());
    return new RunConfig(spec, sections.output(), sections.store());
  }

  /** The top level of a file as far as its {@code output} and {@code store} sections go. */
  private record Sections(OutputConfig output, StoreConfig store) {}

  /**
   * {@code over} merged onto {@code base} (which it changes): sections merge key by key, a null
   * section keeps the base's, anything else replaces the base's value.
   */
  static ObjectNode merge(ObjectNode base, ObjectNode over) {
    over.fields().forEachRemaining(e -> {
      JsonNode old = base.get(e.getKey());
      JsonNode value = e.getValue();
      if (old != null && old.isObject() && value.isObject()) {
        merge((ObjectNode) old, (ObjectNode) value);
      } else if (!(old != null && old.isObject() && value.isNull())) {
        base.set(e.getKey(), value.deepCopy());
      }
    });
    return base;
  }

  /** {@code value} as an absolute path, or null if it is null or blank; a leading {@code ~/} means the home directory. */
  static Path toPath(String value) {
    if (value == null || value.isBlank()) return null;
    String v = value.strip();
    if (v.equals("~")) return Path.of(System.getProperty("user.home"));
    if (v.startsWith("~/")) return Path.of(System.getProperty("user.home"), v.substring(2));
    return Path.of(v).toAbsolutePath().normalize();
  }

  /**
   * The server configuration in {@code file} (or null for none) with {@code assignments} applied,
   * merged over {@link ServerSpec}'s defaults.
   *
   * @throws ConfigException naming the key and the value; for a {@code latency} section, saying that
   *     it is simulation-only (a server's clients take the time they take)
   */
  public static ServerSpec loadServer(Path file, List<String> assignments) {
    ObjectNode tree = read(file, assignments);
    if (tree.has("latency")) {
      throw new ConfigException("latency is a simulation-only section (simulated client training times): a server's clients "
          + "take the time they really take; remove it (async needs no latency model on a server)");
    }
    return mapAs(merge(ServerSpec.defaults(), tree), ServerSpec.class, List.of());
  }

  /**
   * The client configuration in {@code file} (or null for none) with {@code assignments} applied,
   * merged over {@link ClientSpec}'s defaults.
   *
   * @throws ConfigException naming the key and the value
   */
  public static ClientSpec loadClient(Path file, List<String> assignments) {
    return bind(ClientSpec.defaults(), file, assignments, ClientSpec.class);
  }

  /**
   * The key holder's configuration in {@code file} (or null for none) with {@code assignments}
   * applied, merged over {@link KeyHolderSpec}'s defaults.
   *
   * @throws ConfigException naming the key and the value
   */
  public static KeyHolderSpec loadKeyHolder(Path file, List<String> assignments) {
    return bind(KeyHolderSpec.defaults(), file, assignments, KeyHolderSpec.class);
  }

  /**
   * The edge aggregator's configuration in {@code file} (or null for none) with
   * {@code assignments} applied, merged over {@link EdgeSpec}'s defaults.
   *
   * @throws ConfigException naming the key and the value
   */
  public static EdgeSpec loadEdge(Path file, List<String> assignments) {
    return bind(EdgeSpec.defaults(), file, assignments, EdgeSpec.class);
  }

  /**
   * The vertical run's configuration in {@code file} with {@code assignments} applied, merged over
   * {@link VerticalSpec}'s defaults.
   *
   * @throws ConfigException naming the key and the value
   */
  public static VerticalSpec loadVertical(Path file, List<String> assignments) {
    return bind(VerticalSpec.defaults(), Objects.requireNonNull(file, "file"), assignments, VerticalSpec.class);
  }

  private static <T> T bind(ObjectNode defaults, Path file, List<String> assignments, Class<T> type) {
    return mapAs(merge(defaults, read(file, assignments)), type, List.of());
  }

  /** The tree in {@code file} (or an empty one for null) with {@code assignments} applied. */
  private static ObjectNode read(Path file, List<String> assignments) {
    ObjectNode tree = file == null ? JsonNodeFactory.instance.objectNode() : readTree(file);
    for (String a : assignments) set(tree, a);
    return tree;
  }

  /**
   * {@code tree} bound onto {@code type}; {@code alsoValid} are top-level keys read elsewhere,
   * named among the valid keys.
   */
  private static <T> T mapAs(ObjectNode tree, Class<T> type, List<String> alsoValid) {
    requireKnownKeys(tree, type, "", alsoValid);
    try {
      return YAML.treeToValue(tree, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) throw new ConfigException(cause.getMessage(), cause);
      if (cause instanceof NullPointerException && cause.getMessage() != null) {
        throw new ConfigException(cause.getMessage() + " must be set, got nothing (null)", cause);
      }
      String key = path(e, 0);
      throw new ConfigException((key.isEmpty() ? "" : key + ": ") + firstLine(e.getOriginalMessage()), e);
    } catch (MismatchedInputException e) {
      String key = path(e, 0);
      JsonNode value = tree.at(pointer(e));
      if (e.getTargetType() != null && e.getTargetType().isEnum()) throw notAWord(key, value, e.getTargetType(), e);
      throw new ConfigException(key + " must be " + expected(e.getTargetType()) + ", got " + describe(value), e);
    } catch (DatabindException e) {
      String key = path((JsonMappingException) e, 0);
      throw new ConfigException((key.isEmpty() ? "" : key + ": ") + firstLine(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(firstLine(e.getOriginalMessage()), e);
    }
  }

  /**
   * Fails on the first key of {@code tree} that {@code type} (a record) does not have, before
   * anything is bound: a constructor that validates a combination of keys must not speak first.
   */
  private static void requireKnownKeys(JsonNode tree, Class<?> type, String section, List<String> alsoValid) {
    if (!type.isRecord() || !tree.isObject()) return;
    Map<String, Class<?>> components = new TreeMap<>();
    for (RecordComponent c : type.getRecordComponents()) components.put(ConfigKeys.key(c), c.getType());
    tree.fields().forEachRemaining(e -> {
      Class<?> t = components.get(e.getKey());
      if (t == null) {
        if (section.isEmpty() && alsoValid.contains(e.getKey())) return;
        TreeSet<String> valid = new TreeSet<>(components.keySet());
        if (section.isEmpty()) valid.addAll(alsoValid);
        throw new ConfigException("unknown key '" + Abbreviation.abbreviate(e.getKey()) + "' "
            + (section.isEmpty() ? "at top level" : "in " + section) + " (valid: " + String.join(", ", valid) + ")");
      }
      requireKnownKeys(e.getValue(), t, section.isEmpty() ? e.getKey() : section + "." + e.getKey(), List.of());
    });
  }

  /** The dotted YAML path of the exception's location, leaving out the last {@code drop} parts. */
  private static String path(JsonMappingException e, int drop) {
    List<String> parts = new ArrayList<>();
    for (JsonMappingException.Reference r : e.getPath()) {
      parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return String.join(".", parts.subList(0, Math.max(0, parts.size() - drop)));
  }

  private static String pointer(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      sb.append('/').append(r.getFieldName() != null
          ? r.getFieldName().replace("~", "~0").replace("/", "~1") : String.valueOf(r.getIndex()));
    }
    return sb.toString();
  }

  /**
   * The error for a value that is none of an enum's words: {@code <key> must be one of a, b, c,
   * got <value>}, the words being the constants' {@code toString()} ({@link Require#words}).
   */
  @SuppressWarnings("unchecked")
  private static ConfigException notAWord(String key, JsonNode value, Class<?> type, MismatchedInputException cause) {
    String got = value != null && value.isValueNode() && !value.isNull() ? value.asText() : describe(value);
    try {
      Require.oneOf(key, got, Require.words((Class<? extends Enum<?>>) type));
    } catch (IllegalArgumentException e) {
      return new ConfigException(e.getMessage(), cause);
    }
    return new ConfigException(key + ": " + firstLine(cause.getOriginalMessage()), cause);
  }

  private static String expected(Class<?> type) {
    if (type == null) return "of another type";
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
    if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "a number";
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (type.isRecord() || type.getPackageName().equals(ConfigLoader.class.getPackageName())) return "a section of keys";
    return "a " + type.getSimpleName();
  }

  /** A short description of a YAML value for messages: scalars as written, sections and lists by kind. */
  static String describe(JsonNode value) {
    if (value == null || value instanceof MissingNode || value.isNull()) return "nothing (null)";
    if (value.isObject()) return "a section {" + Abbreviation.abbreviate(String.join(", ", iterable(value))) + "}";
    if (value.isArray()) return "a list";
    if (value.isTextual()) return "'" + Abbreviation.abbreviate(value.asText()) + "'";
    return Abbreviation.abbreviate(value.asText());
  }

  private static List<String> iterable(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) return "";
    return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String firstLine(String s) {
    if (s == null) return "unknown problem";
    String line = s.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl).strip();
  }
}
