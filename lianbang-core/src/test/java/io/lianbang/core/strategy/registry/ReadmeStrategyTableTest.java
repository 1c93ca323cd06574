package io.lianbang.core.strategy.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's strategy table agrees with the registry: every name, paper, parameter and default. */
class ReadmeStrategyTableTest {
  private static final String HEADER = "| `strategy.name` | algorithm (paper) | `strategy.params` |";
  private static final Pattern CODE = Pattern.compile("`(\\w+)`");
  private static final Pattern PARAM = Pattern.compile("`(\\w+)` \\(([^)]*)\\)");

  private static List<String[]> rows() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int start = lines.indexOf(HEADER);
    assertTrue(start >= 0, "README.md has no line " + HEADER);
    List<String[]> rows = new ArrayList<>();
    for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\s*\\|\\s*");
      assertEquals(4, cells.length, lines.get(i));
      rows.add(new String[] {cells[1], cells[2], cells[3]});
    }
    return rows;
  }

  @Test
  void everyStrategyHasOneRowWithItsPaperParametersAndDefaults() throws IOException {
    List<String> documented = new ArrayList<>();
    for (String[] row : rows()) {
      List<String> names = new ArrayList<>();
      for (Matcher m = CODE.matcher(row[0]); m.find(); ) names.add(m.group(1));
      documented.addAll(names);
      Map<String, String[]> defaults = new LinkedHashMap<>();
      for (Matcher m = PARAM.matcher(row[2]); m.find(); ) defaults.put(m.group(1), m.group(2).split(",\\s*"));
      if (defaults.isEmpty()) assertEquals("—", row[2], "parameters of " + names);
      TreeSet<String> declared = new TreeSet<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        StrategyType type = StrategyRegistry.find(name).orElse(null);
        assertNotNull(type, "README names a strategy the registry does not have: " + name);
        assertTrue(row[1].contains("(" + type.paper()), name + ": paper " + type.paper() + " not in " + row[1]);
        for (StrategyParameter p : type.parameters()) {
          declared.add(p.name());
          String[] values = defaults.get(p.name());
          assertNotNull(values, name + "." + p.name() + " is not in the README");
          String text = values.length == 1 ? values[0] : values[i];
          if (p.defaultValue() == null) {
            assertEquals(p.defaultText(), text, name + "." + p.name());
          } else {
            assertEquals(p.defaultValue(), Double.parseDouble(text), name + "." + p.name());
          }
        }
      }
      assertEquals(declared, new TreeSet<>(defaults.keySet()), "parameters of " + names);
    }
    assertEquals(StrategyRegistry.names(), documented);
  }

  @Test
  void normBoundSentenceNamesTheStrategiesWithoutIt() throws IOException {
    List<String> without = StrategyRegistry.types().stream().filter(t -> !t.normBound()).map(StrategyType::name).toList();
    assertEquals(List.of("scaffold"), without);
    String readme = Files.readString(Path.of("..", "README.md"));
    assertTrue(readme.contains("Every strategy but `scaffold` also takes `norm_bound`"));
  }
}
