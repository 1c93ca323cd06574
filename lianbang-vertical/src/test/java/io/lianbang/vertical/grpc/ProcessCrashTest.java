package io.lianbang.vertical.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.link.LinkException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host in its own JVM ({@link PartyMain}), killed with SIGKILL mid-run: the guest's receive
 * fails with PEER_LOST within the liveness window instead of hanging, and running both parties
 * again with the same command completes the run.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessCrashTest {
  @TempDir Path dir;

  /** A child JVM with the test classpath whose output lines are queued. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = new ArrayList<>();

    Child(List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
          "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), PartyMain.class.getName()));
      cmd.addAll(args);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Thread pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (all) {
              all.add(line);
            }
            lines.add(line);
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      pump.setDaemon(true);
      pump.start();
    }

    /** Waits at most {@code timeout} for a line starting with {@code prefix}. */
    String await(String prefix, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        String line = lines.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          synchronized (all) {
            throw new AssertionError("no line '" + prefix + "...' within " + timeout + "; output:\n" + String.join("\n", all));
          }
        }
        if (line.startsWith(prefix)) return line;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void killingTheHostFailsTheGuestAtOnceAndTheSameCommandRunsAgainCleanly() throws Exception {
    Path certs = TestParties.certificates(dir.resolve("certs"), List.of("guest", "host"));
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    List<String> hostCommand = List.of("host", ports.get("host").toString(), "guest", ports.get("guest").toString(), "proc-run",
        certs.toString(), "4");

    // first attempt: two of four rounds, then the host dies and the guest waits for an answer that will not come
    try (Child host = new Child(hostCommand);
         GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "proc-run", TestParties.FAST)) {
      String firstIncarnation = host.await("READY", Duration.ofSeconds(40)).substring(6);
      assertEquals(2, TestParties.pingPong(guest, "host", true, 2, Duration.ofSeconds(20)));
      host.process.destroyForcibly(); // SIGKILL, while the host waits for pp/2 and the guest is about to wait for its answer
      long start = System.nanoTime();
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "pp/2", Duration.ofSeconds(60)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("lost host") && e.getMessage().contains("pp/2"), e.getMessage());
      assertTrue(millis < 15_000, "noticed after " + millis + " ms, liveness window " + TestParties.FAST.livenessWindow());
      assertTrue(!firstIncarnation.isEmpty());
    }

    // second attempt: both parties again with the same command; the run completes
    try (Child host = new Child(hostCommand);
         GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "proc-run", TestParties.FAST)) {
      assertEquals(4, TestParties.pingPong(guest, "host", true, 4, Duration.ofSeconds(40)));
      host.await("DONE", Duration.ofSeconds(20));
      assertEquals(0, host.process.waitFor(20, TimeUnit.SECONDS) ? host.process.exitValue() : -1);
    }
  }
}
