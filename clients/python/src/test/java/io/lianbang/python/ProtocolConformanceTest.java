package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docs/protocol-conformance.md}, the index of the tests that exercise each behaviour
 * {@code docs/protocol.md} states: every section of protocol.md has a section there, every row
 * names a test or is marked {@code untested}, and every test it names exists: a Java
 * {@code Class#method} as {@code void method(} in {@code Class.java} under a module's
 * {@code src/test/java}, a Python {@code tests/file.py::Class::method} as {@code def method(} in
 * {@code class Class} of that file of the Python client.
 */
class ProtocolConformanceTest {
  static final Path ROOT = Python.HOME.resolve("../..").normalize();
  static final Path INDEX = ROOT.resolve("docs/protocol-conformance.md");
  static final Path PROTOCOL = ROOT.resolve("docs/protocol.md");
  private static final Pattern HEADING = Pattern.compile("^(##|###) (.+)$");
  private static final Pattern JAVA = Pattern.compile("`([A-Z][A-Za-z0-9_]*)#([a-z][A-Za-z0-9_]*)`");
  private static final Pattern PYTHON = Pattern.compile("`(tests/[a-z0-9_]+\\.py)::([A-Za-z0-9_]+)::([a-z0-9_]+)`");
  private static final String UNTESTED = "untested";

  /** One row of the index: the section it is in, its line number, the behaviour and the test cell. */
  private record Row(String section, int line, String behaviour, String tests) {}

  @Test
  void everyBehaviourNamesATestThatExistsOrIsMarkedUntested() throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> lines = Files.readAllLines(INDEX, StandardCharsets.UTF_8);
    Set<String> sections = new LinkedHashSet<>();
    List<Row> rows = new ArrayList<>();
    String section = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        section = h.group(2).strip();
        sections.add(section);
        continue;
      }
      if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| behaviour |")) continue;
      String[] cells = line.strip().substring(1).split("\\|", -1);
      if (cells.length != 3 || !cells[2].isBlank()) {
        problems.add("line " + (i + 1) + ": expected two cells (behaviour | test), got " + (cells.length - 1) + ": " + line);
        continue;
      }
      if (section == null) problems.add("line " + (i + 1) + ": a row before any section");
      rows.add(new Row(section, i + 1, cells[0].strip(), cells[1].strip()));
    }
    assertTrue(rows.size() >= 50, "the index lists only " + rows.size() + " behaviours");

    for (String s : headings(PROTOCOL)) {
      if (!sections.contains(s)) problems.add("section '" + s + "' of protocol.md has no section in the index");
    }

    Map<String, List<Path>> javaTests = javaTestClasses();
    int untested = 0;
    for (Row r : rows) {
      String where = "line " + r.line() + " (" + r.section() + ": " + r.behaviour() + ")";
      if (r.behaviour().isEmpty()) problems.add(where + ": no behaviour");
      if (r.tests().equals(UNTESTED)) {
        untested++;
        continue;
      }
      if (r.tests().isEmpty()) {
        problems.add(where + ": names no test; name one or mark it " + UNTESTED);
        continue;
      }
      String rest = r.tests();
      Matcher j = JAVA.matcher(r.tests());
      while (j.find()) {
        String missing = javaMissing(javaTests, j.group(1), j.group(2));
        if (missing != null) problems.add(where + ": " + missing);
        rest = rest.replace(j.group(), "");
      }
      Matcher p = PYTHON.matcher(r.tests());
      while (p.find()) {
        String missing = pythonMissing(p.group(1), p.group(2), p.group(3));
        if (missing != null) problems.add(where + ": " + missing);
        rest = rest.replace(p.group(), "");
      }
      if (!rest.replace(",", "").isBlank()) {
        problems.add(where + ": '" + rest.strip() + "' is neither `Class#method`, `tests/file.py::Class::method` nor " + UNTESTED);
      }
    }
    System.out.println(rows.size() + " behaviours in " + INDEX.getFileName() + ", " + untested + " marked untested");
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** The {@code ##} and {@code ###} headings of {@code file}, outside code blocks. */
  static List<String> headings(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    boolean code = false;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("```")) code = !code;
      Matcher h = HEADING.matcher(line);
      if (!code && h.matches()) out.add(h.group(2).strip());
    }
    return out;
  }

  /** Every {@code *.java} file under a {@code src/test/java} directory of the repository, by class name. */
  private static Map<String, List<Path>> javaTestClasses() throws IOException {
    Map<String, List<Path>> byName = new HashMap<>();
    Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        boolean skip = !dir.equals(ROOT) && (name.startsWith(".") || name.equals("target") || name.equals("node_modules"));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String name = file.getFileName().toString();
        if (name.endsWith(".java") && file.toString().replace('\\', '/').contains("/src/test/java/")) {
          byName.computeIfAbsent(name.substring(0, name.length() - 5), k -> new ArrayList<>()).add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return byName;
  }

  /** Why {@code cls#method} does not name a Java test, or null if it does. */
  private static String javaMissing(Map<String, List<Path>> classes, String cls, String method) throws IOException {
    List<Path> files = classes.get(cls);
    if (files == null) return "no test class " + cls + " under */src/test/java";
    Pattern declared = Pattern.compile("\\bvoid " + Pattern.quote(method) + "\\(");
    for (Path f : files) {
      if (declared.matcher(Files.readString(f, StandardCharsets.UTF_8)).find()) return null;
    }
    return "no method " + method + " in " + cls + " (" + ROOT.relativize(files.get(0)) + ")";
  }

  /** Why {@code file::cls::method} does not name a test of the Python client, or null if it does. */
  private static String pythonMissing(String file, String cls, String method) throws IOException {
    Path f = Python.HOME.resolve(file);
    if (!Files.isRegularFile(f)) return "no Python test file " + file + " in clients/python";
    boolean inClass = false;
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (line.startsWith("class ")) inClass = line.startsWith("class " + cls + "(") || line.startsWith("class " + cls + ":");
      else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) inClass = false;
      else if (inClass && line.strip().startsWith("def " + method + "(")) return null;
    }
    return "no method " + method + " in class " + cls + " of " + file;
  }
}
