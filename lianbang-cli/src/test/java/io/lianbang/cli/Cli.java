package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.io.PrintWriter;
import java.io.StringWriter;
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
