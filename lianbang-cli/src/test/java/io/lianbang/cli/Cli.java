package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs the command in-process and captures what it prints. */
final class Cli {
  final int exit;
  final String out;
  final String err;

  private Cli(int exit, String out, String err) {
    this.exit = exit;
    this.out = out;
    this.err = err;
  }

  /** Runs {@code args} on a command line configured like {@link Main#main}. */
  static Cli run(Simulator simulator, String... args) {
    return run(Main.newCommandLine(new Main(simulator)), args);
  }

  /** Runs {@code args} on a plain {@code new CommandLine(new Main(...))}. */
  static Cli runPlain(Simulator simulator, String... args) {
    return run(new CommandLine(new Main(simulator)), args);
  }

  private static Cli run(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  /**
   * Runs {@code args} in a {@code lianbang} process of its own (this JVM's java and class path),
   * waiting at most {@code seconds}; a process still running then is killed and reported as exit
   * -1.
   */
  static Cli process(long seconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = command(args);
    Path out = Files.createTempFile("lianbang-out", ".txt");
    Path err = Files.createTempFile("lianbang-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      return new Cli(ended ? p.exitValue() : -1, Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The command line of a {@code lianbang} process of its own running {@code args} (this JVM's java and class path). */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Asserts that the command refused bad input: exit status 2 and {@code message} in its error output. */
  void assertBadInput(String message) {
    assertEquals(2, exit, toString());
    assertTrue(err.contains(message), err);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
  }
}
