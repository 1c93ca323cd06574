package io.lianbang.python;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test client {@code tests/seeded_client.py}, or another Python script, in its own Python process ({@link Python#start});
 * its output is collected line by line. Closing it kills the process.
 */
final class PythonClientProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;

  private PythonClientProcess(Process process) {
    this.process = process;
    this.pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "python-client-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code python tests/seeded_client.py args...}. */
  static PythonClientProcess start(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("tests/seeded_client.py");
    command.addAll(args);
    return script(command);
  }

  /** Starts {@code python command...}, e.g. an example script and its flags. */
  static PythonClientProcess script(List<String> command) throws IOException {
    return new PythonClientProcess(Python.start(command, Map.of()));
  }

  /** Waits (bounded) for the process to exit and returns its exit code; kills it and fails after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the Python client did not exit within " + timeout + "; output:\n" + output());
    }
    pump.join(10_000);
    return process.exitValue();
  }

  /** The output so far, one line per line. */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
