package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

  /**
   * Starts {@code tests/seeded_client.py} as the client {@code name} of {@code examples} examples, under mutual TLS with the
   * files {@code TestCertificates} wrote to {@code certificates}, for the server on {@code 127.0.0.1:port}, giving up after
   * 60 s; {@code extra} flags follow.
   */
  static PythonClientProcess seeded(Path certificates, int port, String name, int examples, List<String> extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + port, "--name", name,
        "--examples", String.valueOf(examples)));
    args.addAll(tlsFlags(certificates, name));
    args.addAll(List.of("--give-up-after", "60"));
    args.addAll(extra);
    return start(args);
  }

  /**
   * The flags {@code --ca}, {@code --cert} and {@code --key} of the client {@code name} with the files {@code TestCertificates}
   * wrote to {@code certificates}: the test client's and the examples' mutual-TLS flags.
   */
  static List<String> tlsFlags(Path certificates, String name) {
    return List.of("--ca", certificates.resolve("ca.pem").toString(),
        "--cert", certificates.resolve("client-" + name + ".pem").toString(),
        "--key", certificates.resolve("client-" + name + "-key.pem").toString());
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

  /** Waits as {@link #waitFor} and checks the exit code is {@code expected}; returns the output. */
  String awaitExit(int expected, Duration timeout) throws InterruptedException {
    int exit = waitFor(timeout);
    String output = output();
    assertEquals(expected, exit, output);
    return output;
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
