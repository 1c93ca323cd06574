package io.lianbang.grpc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client process frozen (SIGSTOP) while its poll waits on the server misses more than three
 * heartbeats and is dropped; resumed (SIGCONT), it must register again and serve the whole run,
 * not take the drop for the end of the run and exit.
 */
class ClientPauseTest {
  @TempDir Path dir;

  @Test
  void aClientDroppedDuringAPauseRejoinsAndServesTheRun() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<JavaProcess> clients = new ArrayList<>();
    try (JavaProcess server = JavaProcess.start(ServerMain.class, List.of("port=" + port, "rounds=2", "seed=3", "minClients=2",
        "startWith=2", "model=pulling", "heartbeatMs=200"), dir.resolve("server.log"))) {
      server.await(l -> l.startsWith("LISTENING"), Duration.ofSeconds(30));
      JavaProcess c0 = JavaProcess.start(ClientMain.class, List.of("target=127.0.0.1:" + port, "name=c0", "index=0", "model=pulling"),
          dir.resolve("c0.log"));
      clients.add(c0);
      server.await(l -> l.contains("client c0 registered"), Duration.ofSeconds(30));
      Thread.sleep(1000); // c0 now waits in a poll: the server holds it for up to 20 s
      c0.signal("STOP");
      try {
        server.await(l -> l.contains("client c0 dropped"), Duration.ofSeconds(30));
      } finally {
        c0.signal("CONT");
      }
      clients.add(JavaProcess.start(ClientMain.class, List.of("target=127.0.0.1:" + port, "name=c1", "index=1", "model=pulling"),
          dir.resolve("c1.log")));

      server.await(l -> l.startsWith("FINISHED rounds=2"), Duration.ofSeconds(90));
      assertEquals(0, server.waitFor(Duration.ofSeconds(30)));
      for (int i = 0; i < 2; i++) {
        JavaProcess c = clients.get(i);
        assertEquals(0, c.waitFor(Duration.ofSeconds(30)), "c" + i + " exits cleanly");
        String done = "CLIENT_DONE c" + i + " fits=2";
        assertTrue(c.output().stream().anyMatch(l -> l.startsWith(done)), String.join("\n", c.output()));
      }
    } finally {
      clients.forEach(JavaProcess::close);
    }
  }
}
