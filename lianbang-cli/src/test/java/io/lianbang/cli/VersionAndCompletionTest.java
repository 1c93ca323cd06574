package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code lianbang --version} names the commit of the build; {@code lianbang completion} prints a bash script. */
class VersionAndCompletionTest {
  private static final Pattern VERSION_LINE =
      Pattern.compile("lianbang (\\d+\\.\\d+\\.\\d+(?:-SNAPSHOT)?) \\(commit ([0-9a-f]{12}(?:-dirty)?|unknown)\\)");

  @Test
  void versionNamesTheProjectVersionAndTheCommit() throws Exception {
    Cli v = Cli.run(new FakeSimulator(), "--version");
    assertEquals(0, v.exit);
    String first = v.out.lines().findFirst().orElse("");
    Matcher m = VERSION_LINE.matcher(first);
    assertTrue(m.matches(), "first line: " + first);
    assertTrue(v.out.lines().skip(1).findFirst().orElse("").startsWith("Java " + System.getProperty("java.version")), v.out);
    String head = gitHead();
    if (head != null) {
      // The suite runs from the checkout the classes were just built from.
      assertEquals(head.substring(0, 12), m.group(2).replace("-dirty", ""), "the commit of " + first);
    }
  }

  @Test
  void completionPrintsABashScriptForEveryCommand() {
    Cli c = Cli.run(new FakeSimulator(), "completion");
    assertEquals(0, c.exit, c.err);
    assertTrue(c.out.startsWith("#!/usr/bin/env bash"), c.out.lines().findFirst().orElse(""));
    assertTrue(c.out.contains("complete -F _complete_lianbang"), "registers the function for lianbang");
    for (String command : new String[] {"demo", "simulate", "server", "client", "certs"}) {
      assertTrue(c.out.contains(command), "completes " + command);
    }
    assertTrue(c.out.contains("--rounds"), "completes options");
    Cli help = Cli.run(new FakeSimulator(), "--help");
    assertTrue(help.out.contains("completion"), help.out);
  }

  /** The commit of the work tree the test runs in, or null if git cannot tell within 10 s. */
  private static String gitHead() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try {
          p.getInputStream().transferTo(out);
        } catch (IOException e) {
          // the result is judged by the exit code below
        }
      });
      reader.start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
      String s = out.toString(StandardCharsets.US_ASCII).strip();
      return p.exitValue() == 0 && s.matches("[0-9a-f]{40}") ? s : null;
    } catch (IOException e) {
      return null;
    }
  }
}
