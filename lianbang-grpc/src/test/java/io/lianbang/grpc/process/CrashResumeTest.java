package io.lianbang.grpc.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.grpc.TestClients;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process with SIGKILL after round 2 of 4, restarts it with the same command,
 * and checks the final model equals an uninterrupted run's bit for bit. The same client
 * processes stay up throughout, reconnect and register again on their own, and exit cleanly only
 * when the restarted server ends the run.
 */
class CrashResumeTest {
  @TempDir Path dir;

  @Test
  void serverKilledAfterRoundTwoResumesToTheSameModel() throws Exception {
    long seed = 11;
    List<String> ids = List.of("c0", "c1", "c2");
    RunResult reference = TestClients.reference(ids, FederationConfig.of(4, seed));

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path checkpoint = dir.resolve("run.ckpt");
    List<String> command = List.of("port=" + port, "rounds=4", "seed=" + seed, "minClients=3", "model=pulling",
        "checkpoint=" + checkpoint, "heartbeatMs=500");
    List<JavaProcess> clients = new ArrayList<>();
    try (JavaProcess first = JavaProcess.start(ServerMain.class, command, dir.resolve("server-1.log"))) {
      first.await(l -> l.startsWith("LISTENING"), Duration.ofSeconds(30));
      for (int i = 0; i < ids.size(); i++) {
        clients.add(JavaProcess.start(ClientMain.class, List.of("target=127.0.0.1:" + port, "name=" + ids.get(i), "index=" + i,
            "model=pulling", "sleepMs=300"), dir.resolve(ids.get(i) + ".log")));
      }
      first.await(l -> l.startsWith("ROUND_DONE 2 "), Duration.ofSeconds(90));
      first.kill();
      Checkpoint saved = new CheckpointFile(checkpoint).read().orElseThrow();
      assertTrue(saved.round() >= 2 && saved.round() < 4, "killed mid-run, after round " + saved.round());

      try (JavaProcess second = JavaProcess.start(ServerMain.class, command, dir.resolve("server-2.log"))) {
        second.await(l -> l.startsWith("FINISHED rounds=4"), Duration.ofSeconds(90));
        assertEquals(0, second.waitFor(Duration.ofSeconds(30)));
        assertTrue(second.output().stream().noneMatch(l -> l.startsWith("ROUND_DONE 1 ") || l.startsWith("ROUND_DONE 2 ")),
            "the restarted server did not redo completed rounds");
      }
      for (int i = 0; i < ids.size(); i++) {
        JavaProcess c = clients.get(i);
        assertEquals(0, c.waitFor(Duration.ofSeconds(30)), ids.get(i) + " exits cleanly");
        String done = "CLIENT_DONE " + ids.get(i) + " ";
        assertTrue(c.output().stream().anyMatch(l -> l.startsWith(done)), String.join("\n", c.output()));
        assertTrue(c.output().stream().anyMatch(l -> l.contains("registering again")), ids.get(i) + " rejoined the restarted server");
      }

      Checkpoint last = new CheckpointFile(checkpoint).read().orElseThrow();
      assertEquals(4, last.round());
      assertArrayEquals(reference.parameters().flatten(), last.parameters().flatten());
      assertEquals(reference.history().withoutTiming(), last.history().withoutTiming());
    } finally {
      clients.forEach(JavaProcess::close);
    }
  }
}
