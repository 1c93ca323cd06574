package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python interpreter the tests run the client library with: {@code $LIANBANG_PYTHON}, else the
 * first of {@code /usr/bin/python3} and {@code python3} that imports grpc, google.protobuf and
 * numpy (Debian's {@code python3-grpcio}, {@code python3-protobuf}, {@code python3-numpy}).
 */
public final class Python {
  /** This folder: the package {@code lianbang} and its Python tests. */
  public static final Path HOME = Path.of("").toAbsolutePath();

  private static String interpreter;

  private Python() {}

  /** The interpreter's path; fails the test, saying what to install, when none has the packages. */
  public static synchronized String interpreter() {
    if (interpreter != null) return interpreter;
    List<String> candidates = new ArrayList<>();
    String configured = System.getenv("LIANBANG_PYTHON");
    if (configured != null && !configured.isBlank()) candidates.add(configured);
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String candidate : candidates) {
      try {
        Result r = execute(List.of(candidate, "-c", "import grpc, google.protobuf, numpy"), Map.of(), 60);
        if (r.exitCode() == 0) return interpreter = candidate;
      } catch (IOException e) {
        // not installed: try the next
      }
    }
    fail("no Python 3 with grpc, protobuf and numpy (tried " + candidates + "): apt-get install python3-grpcio python3-protobuf python3-numpy, or set LIANBANG_PYTHON");
    return null;
  }

  /** A finished process: its exit code and its combined output. */
  public record Result(int exitCode, String output) {}

  /** Starts {@code python args...} in {@link #HOME} with the package on its path. */
  public static Process start(List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(interpreter());
    command.addAll(args);
    return builder(command, env).start();
  }

  /** Runs {@code python args...} to completion within {@code timeoutSeconds}. */
  public static Result run(List<String> args, Map<String, String> env, long timeoutSeconds) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(interpreter());
    command.addAll(args);
    return execute(command, env, timeoutSeconds);
  }

  private static Result execute(List<String> command, Map<String, String> env, long timeoutSeconds) throws IOException {
    Path log = Files.createTempFile("python", ".log");
    try {
      Process p = builder(command, env).redirectOutput(log.toFile()).start();
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n[killed after " + timeoutSeconds + " s]");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static ProcessBuilder builder(List<String> command, Map<String, String> env) {
    ProcessBuilder b = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true);
    b.environment().put("PYTHONPATH", HOME.toString());
    b.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    b.environment().put("PYTHONUNBUFFERED", "1");
    b.environment().putAll(env);
    return b;
  }
}
