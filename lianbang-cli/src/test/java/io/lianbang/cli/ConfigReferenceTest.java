package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the keys of each command's schema, none missing
 * and none that does not exist, with the defaults the schema has and the flags the commands have.
 */
class ConfigReferenceTest {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Set<String> SHARED = Set.of("strategy", "training", "privacy", "compression", "async");

  /** One row of a table: its keys, the defaults its default column shows (null: none), and its flags. */
  private record Row(List<String> keys, List<String> defaults, List<String> flags) {}

  @Test
  void theReferenceListsEveryKeyOfEveryCommandWithItsDefaultAndFlag() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    List<Row> shared = rows(section(doc, "## Shared sections"));
    check("simulate", ConfigKeys.simulate(), shared, rows(section(doc, "## `simulate`")), SimulateCommand.FLAGS, doc);
    check("server", ConfigKeys.server(), List.of(), rows(section(doc, "## `server`")), ServerCommand.FLAGS, doc);
    check("client", ConfigKeys.client(), List.of(), rows(section(doc, "## `client`")), ClientCommand.FLAGS, doc);
    check("keyholder", ConfigKeys.keyHolder(), List.of(), rows(section(doc, "## `keyholder`")), KeyHolderCommand.FLAGS, doc);
    check("edge", ConfigKeys.edge(), List.of(), rows(section(doc, "## `edge`")), EdgeCommand.FLAGS, doc);
    check("vertical", ConfigKeys.vertical(), List.of(), rows(section(doc, "## `vertical`")), VerticalCommand.FLAGS, doc);
    for (ConfigFlags.Flag f : DemoCommand.FLAGS.flags()) assertTrue(section(doc, "## `simulate`").contains("`" + f.name() + "`"), f.name());
  }

  /** Each command's help lists every key of its schema with its default, after everything else. */
  @Test
  void helpListsTheKeysOfTheSchema() {
    Map<String, List<ConfigKeys.Key>> byCommand = Map.of("demo", ConfigKeys.simulate(), "simulate", ConfigKeys.simulate(),
        "server", ConfigKeys.server(), "client", ConfigKeys.client(), "keyholder", ConfigKeys.keyHolder(), "edge", ConfigKeys.edge());
    byCommand.forEach((command, keys) -> {
      Cli help = Cli.run(io.lianbang.cli.run.Simulator.standard(), command, "--help");
      assertEquals(0, help.exit, help.toString());
      String listed = help.out.substring(help.out.indexOf("Configuration keys (YAML path = default;"));
      assertEquals(ConfigKeys.lines(keys), listed.lines().skip(1).toList(), command);
    });
    for (String sub : List.of("psi", "train")) {
      Cli help = Cli.run(io.lianbang.cli.run.Simulator.standard(), "vertical", sub, "--help");
      assertEquals(0, help.exit, help.toString());
      String listed = help.out.substring(help.out.indexOf("Configuration keys (YAML path = default;"));
      assertEquals(ConfigKeys.lines(ConfigKeys.vertical()), listed.lines().skip(1).toList(), "vertical " + sub);
    }
  }

  private static void check(String command, List<ConfigKeys.Key> keys, List<Row> shared, List<Row> own, ConfigFlags flags, String doc) {
    Map<String, ConfigKeys.Key> schema = new HashMap<>();
    for (ConfigKeys.Key k : keys) schema.put(k.path().replace(".<name>", ""), k);
    Set<String> expectedShared = new TreeSet<>();
    Set<String> expectedOwn = new TreeSet<>();
    for (String k : schema.keySet()) (SHARED.contains(k.split("\\.")[0]) ? expectedShared : expectedOwn).add(k);
    if (command.equals("simulate")) {
      assertEquals(expectedShared, keysOf(shared), "the shared sections");
      checkDefaults(command, schema, shared);
    }
    if (!command.equals("simulate") && !command.equals("server")) expectedOwn.addAll(expectedShared);
    assertEquals(expectedOwn, keysOf(own), command + ": its own keys");
    checkDefaults(command, schema, own);

    String section = section(doc, "## `" + command + "`");
    Map<String, String> flagByPath = new HashMap<>();
    for (ConfigFlags.Flag f : flags.flags()) {
      flagByPath.put(f.path(), f.name());
      assertTrue(section.contains("`" + f.name() + "`"), command + " documents its flag " + f.name());
    }
    for (Row r : own) {
      for (int i = 0; i < r.flags().size(); i++) {
        assertEquals(flagByPath.get(r.keys().get(i)), r.flags().get(i), command + ": the flag of " + r.keys().get(i));
      }
    }
  }

  private static void checkDefaults(String command, Map<String, ConfigKeys.Key> schema, List<Row> rows) {
    for (Row r : rows) {
      for (int i = 0; i < r.keys().size(); i++) {
        ConfigKeys.Key k = schema.get(r.keys().get(i));
        if (k.path().endsWith("<name>")) continue;
        String where = command + ": the default of " + k.path();
        if (r.defaults() == null) {
          assertNull(k.value(), where);
        } else if (!r.defaults().isEmpty()) {
          String shown = r.defaults().get(r.defaults().size() == 1 ? 0 : i);
          if (shown.contains("<")) continue; // a pattern such as runs/<name>-<timestamp>
          assertNotNull(k.value(), where + " is " + shown + " in the docs");
          assertTrue(same(shown, k.value()), where + ": the docs say " + shown + ", the schema " + k.value());
        }
      }
    }
  }

  private static boolean same(String a, String b) {
    try {
      return Double.parseDouble(a) == Double.parseDouble(b);
    } catch (NumberFormatException e) {
      return a.equals(b);
    }
  }

  private static Set<String> keysOf(List<Row> rows) {
    Set<String> keys = new TreeSet<>();
    rows.forEach(r -> keys.addAll(r.keys()));
    return keys;
  }

  /** The text from {@code heading} to the next heading of the same level. */
  private static String section(String doc, String heading) {
    int start = doc.indexOf(heading);
    assertTrue(start >= 0, "no section " + heading);
    int end = doc.indexOf("\n## ", start + heading.length());
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  /**
   * The rows of the section's tables: keys from the first column; flags from a {@code flag}
   * column; defaults from the {@code default} column, outside parentheses ({@code none...} is null).
   */
  private static List<Row> rows(String section) {
    List<Row> rows = new ArrayList<>();
    int defaultColumn = -1;
    int flagColumn = -1;
    for (String line : section.split("\n")) {
      if (!line.startsWith("|")) continue;
      String[] cells = line.split("\\|");
      if (cells[1].strip().equals("key")) {
        defaultColumn = flagColumn = -1;
        for (int c = 1; c < cells.length; c++) {
          if (cells[c].strip().startsWith("default")) defaultColumn = c;
          if (cells[c].strip().equals("flag")) flagColumn = c;
        }
        continue;
      }
      if (!cells[1].strip().startsWith("`")) continue;
      List<String> keys = codes(cells[1]);
      String shown = cells[defaultColumn].replaceAll("\\([^)]*\\)", "").strip();
      List<String> defaults = shown.startsWith("none") ? null : codes(shown);
      rows.add(new Row(keys, defaults, flagColumn < 0 ? List.of() : codes(cells[flagColumn])));
    }
    return rows;
  }

  private static List<String> codes(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
