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
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lianbang.core.text.Abbreviation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Reads and writes {@link RunConfig} as YAML.
 *
 * <p>A file is read into a tree, {@code --set key.path=value} assignments are applied to the tree,
 * and the tree is mapped onto a fresh {@link RunConfig} (which holds the demo's values), so keys a
 * file leaves out keep the demo's values. Every failure is a {@link ConfigException} whose message
 * names the key, where it is, and the offending value, for example {@code unknown key 'alpah' in
 * partition (valid: alpha, kind, min_size, num_clients, shards_per_client)}.
 */
public final class ConfigLoader {
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private static final JsonMapper JSON = JsonMapper.builder()
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

  /** {@code config} as YAML, without its {@code output} section, re-loadable by {@link #load}. */
  public static String toYaml(RunConfig config) {
    try {
      return YAML.writeValueAsString(toJsonTree(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration as YAML", e);
    }
  }

  /** {@code config} as a tree with the same snake_case keys as the YAML, without {@code output}. */
  public static ObjectNode toJsonTree(RunConfig config) {
    ObjectNode tree = JSON.valueToTree(config);
    tree.remove("output");
    return tree;
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
   * scalar, so {@code 0.3} is a number and an empty value is null.
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

  private static JsonNode scalar(String raw) {
    if (raw.isEmpty()) return JsonNodeFactory.instance.nullNode();
    try {
      JsonNode n = YAML.readTree(raw);
      if (n != null && n.isValueNode()) return n;
    } catch (JsonProcessingException e) {
      // not a YAML scalar: keep the text
    }
    return JsonNodeFactory.instance.textNode(raw);
  }

  static RunConfig map(ObjectNode tree) {
    return mapAs(tree, RunConfig.class, RunConfig::new);
  }

  /**
   * The server configuration in {@code file}: strict like {@link #load}, no defaults for the keys
   * {@link ServerConfig} requires.
   *
   * @throws ConfigException naming the key and the value
   */
  public static ServerConfig loadServer(Path file) {
    Objects.requireNonNull(file, "file");
    return mapAs(readTree(file), ServerConfig.class, ServerConfig::new);
  }

  private static <T> T mapAs(ObjectNode tree, Class<T> type, java.util.function.Supplier<T> empty) {
    try {
      T config = YAML.treeToValue(tree, type);
      return config == null ? empty.get() : config;
    } catch (UnrecognizedPropertyException e) {
      String section = path(e, 1);
      TreeSet<String> valid = new TreeSet<>();
      if (e.getKnownPropertyIds() != null) e.getKnownPropertyIds().forEach(k -> valid.add(String.valueOf(k)));
      throw new ConfigException("unknown key '" + Abbreviation.abbreviate(e.getPropertyName()) + "' "
          + (section.isEmpty() ? "at top level" : "in " + section)
          + " (valid: " + String.join(", ", valid) + ")", e);
    } catch (MismatchedInputException e) {
      String key = path(e, 0);
      JsonNode value = tree.at(pointer(e));
      throw new ConfigException(key + " must be " + expected(e.getTargetType()) + ", got " + describe(value), e);
    } catch (DatabindException e) {
      String key = path((JsonMappingException) e, 0);
      throw new ConfigException((key.isEmpty() ? "" : key + ": ") + firstLine(e.getOriginalMessage()), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(firstLine(e.getOriginalMessage()), e);
    }
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

  private static String expected(Class<?> type) {
    if (type == null) return "of another type";
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
    if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "a number";
    if (type == boolean.class || type == Boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (type.getPackageName().equals(ConfigLoader.class.getPackageName())) return "a section of keys";
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
