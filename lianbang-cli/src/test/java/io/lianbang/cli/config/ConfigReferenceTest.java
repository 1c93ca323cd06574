package io.lianbang.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} documents exactly the keys of each command's schema: none
 * missing, none that does not exist.
 */
class ConfigReferenceTest {
  private static final Pattern KEY = Pattern.compile("`([a-z_][a-z0-9_.]*)`");
  private static final Set<String> SHARED = Set.of("strategy", "training", "privacy");

  @Test
  void theReferenceListsEveryKeyOfEveryCommandAndNoOther() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    Set<String> shared = documented(section(doc, "## Shared sections"));
    check("simulate", ConfigKeys.simulate(), shared, documented(section(doc, "## `simulate`")));
    check("server", ConfigKeys.server(), shared, documented(section(doc, "## `server`")));
    check("client", ConfigKeys.client(), Set.of(), documented(section(doc, "## `client`")));
    check("keyholder", ConfigKeys.keyHolder(), Set.of(), documented(section(doc, "## `keyholder`")));
  }

  private static void check(String command, List<ConfigKeys.Key> keys, Set<String> shared, Set<String> own) {
    Set<String> schema = new TreeSet<>();
    for (ConfigKeys.Key k : keys) schema.add(k.path().replace(".<name>", ""));
    Set<String> expectedShared = new TreeSet<>();
    Set<String> expectedOwn = new TreeSet<>();
    for (String k : schema) (SHARED.contains(k.split("\\.")[0]) && !shared.isEmpty() ? expectedShared : expectedOwn).add(k);
    if (!shared.isEmpty()) assertEquals(expectedShared, shared, command + ": the shared sections");
    assertEquals(expectedOwn, own, command + ": its own keys");
  }

  /** The text from {@code heading} to the next heading of the same level. */
  private static String section(String doc, String heading) {
    int start = doc.indexOf(heading);
    assertTrue(start >= 0, "no section " + heading);
    int end = doc.indexOf("\n## ", start + heading.length());
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  /** The keys in the first column of the section's tables. */
  private static Set<String> documented(String section) {
    Set<String> keys = new TreeSet<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `")) continue;
      Matcher m = KEY.matcher(line.split("\\|")[1]);
      while (m.find()) keys.add(m.group(1));
    }
    return keys;
  }
}
