package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.grpc.process.JavaProcess;
import io.lianbang.grpc.process.ServerMain;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed with SIGKILL after round 2 of 4 and restarted with the same
 * command (it resumes from its checkpoint); the Python client process stays up, retries with
 * backoff, registers again with the restarted server and exits cleanly when it ends the run.
 */
class PythonRestartTest {
  @TempDir Path dir;

  @Test
  void pythonClientRejoinsARestartedServer() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path checkpoint = dir.resolve("run.ckpt");
    List<String> command = List.of("port=" + port, "rounds=4", "seed=5", "minClients=1", "model=pulling",
        "checkpoint=" + checkpoint, "heartbeatMs=500");
    try (JavaProcess first = JavaProcess.start(ServerMain.class, command, dir.resolve("server-1.log"));
         PythonClientProcess python = PythonClientProcess.start(List.of("--server", "127.0.0.1:" + port, "--name", "py",
             "--insecure", "--sleep-ms", "300", "--give-up-after", "60"))) {
      first.await(l -> l.startsWith("LISTENING"), Duration.ofSeconds(60));
      first.await(l -> l.startsWith("ROUND_DONE 2 "), Duration.ofSeconds(90));
      first.kill();
      Checkpoint saved = new CheckpointFile(checkpoint).read().orElseThrow();
      assertTrue(saved.round() >= 2 && saved.round() < 4, "killed mid-run, after round " + saved.round());

      try (JavaProcess second = JavaProcess.start(ServerMain.class, command, dir.resolve("server-2.log"))) {
        second.await(l -> l.startsWith("FINISHED rounds=4"), Duration.ofSeconds(90));
        assertEquals(0, second.waitFor(Duration.ofSeconds(30)));
      }
      int exit = python.waitFor(Duration.ofSeconds(60));
      String output = python.output();
      assertEquals(0, exit, output);
      assertTrue(output.contains("FINISH the run is complete"), output);
      assertTrue(output.contains("registering again") || output.lines().filter(l -> l.contains("registered as py")).count() >= 2,
          "the client registered with the restarted server:\n" + output);
      assertTrue(output.contains("retrying in"), "the client retried the unreachable server:\n" + output);
      assertEquals(4, new CheckpointFile(checkpoint).read().orElseThrow().round());
    }
  }
}
