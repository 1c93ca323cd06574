package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A fatal error in any thread ends the process with a message and exit code 70, instead of
 * leaving a zombie whose other threads go on (as a server's gRPC threads would).
 */
class FatalErrorsTest {
  /** Installs the handler like {@code lianbang} does, runs out of memory in a worker thread, and otherwise idles for a minute. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      FatalErrors.install(System.err);
      Thread worker = new Thread(() -> {
        List<long[]> hog = new ArrayList<>();
        while (true) hog.add(new long[1 << 20]);
      }, "probe-worker");
      worker.start();
      Thread.sleep(60_000); // the process must not get here: the worker's error ends it
      System.out.println("still alive");
    }
  }

  @Test
  void anOutOfMemoryErrorInAnotherThreadEndsTheProcess() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"), Probe.class.getName())
        .redirectErrorStream(true).start();
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    if (!exited) p.destroyForcibly();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(exited, "the process lived on after the error: " + output);
    assertEquals(FatalErrors.EXIT_CODE, p.exitValue(), output);
    assertTrue(output.contains("lianbang: fatal error in thread 'probe-worker': java.lang.OutOfMemoryError"), output);
  }
}
