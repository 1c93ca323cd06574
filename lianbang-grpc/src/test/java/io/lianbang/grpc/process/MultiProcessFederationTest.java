package io.lianbang.grpc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.grpc.TestCertificates;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server and five real client processes on loopback over mutual TLS with an allow-list:
 * three rounds of FedAvg of logistic regression on the breast-cancer data split across the
 * clients. One client is killed (SIGKILL) in the middle of round 2; heartbeats reveal it, the round
 * completes on the quorum, round 3 runs with the four survivors, and everyone else exits cleanly.
 */
class MultiProcessFederationTest {
  private static final Pattern DONE = Pattern.compile(
      "ROUND_DONE (\\d+) sampled=(\\d+) succeeded=(\\d+) updated=(\\w+) failures=\\[(.*)] accuracy=(\\S+)");
  @TempDir Path dir;

  @Test
  void fiveClientProcessesOverMutualTlsSurviveAKilledClient() throws Exception {
    Path certs = dir.resolve("certs");
    List<String> names = List.of("p1", "p2", "p3", "p4", "p5");
    TestCertificates.generate(certs, names);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<JavaProcess> clients = new ArrayList<>();
    try (JavaProcess server = JavaProcess.start(ServerMain.class, List.of("port=" + port, "rounds=3", "seed=5", "minClients=4", "startWith=5",
        "model=breast-cancer", "tls=" + certs, "allow=" + String.join(",", names), "heartbeatMs=500"), dir.resolve("server.log"))) {
      server.await(l -> l.startsWith("LISTENING"), Duration.ofSeconds(30));
      for (int i = 0; i < names.size(); i++) {
        clients.add(JavaProcess.start(ClientMain.class, List.of("target=localhost:" + port, "name=" + names.get(i), "index=" + i,
            "clients=5", "seed=5", "model=breast-cancer", "tls=" + certs, "sleepMs=" + (i == 4 ? 3000 : 300)),
            dir.resolve(names.get(i) + ".log")));
      }
      server.await(l -> l.startsWith("ROUND_STARTED 2 sampled=5"), Duration.ofSeconds(60));
      Thread.sleep(500); // p5 is now inside fit (it takes 3 s)
      clients.get(4).kill();

      server.await(l -> l.startsWith("FINISHED rounds=3"), Duration.ofSeconds(60));
      assertEquals(0, server.waitFor(Duration.ofSeconds(20)));
      for (int i = 0; i < 4; i++) {
        assertEquals(0, clients.get(i).waitFor(Duration.ofSeconds(20)), names.get(i) + " exits cleanly");
        String done = "CLIENT_DONE " + names.get(i) + " fits=3";
        assertTrue(clients.get(i).output().stream().anyMatch(l -> l.startsWith(done)), String.join("\n", clients.get(i).output()));
      }
      List<Matcher> rounds = server.output().stream().map(DONE::matcher).filter(Matcher::matches).toList();
      assertEquals(3, rounds.size(), String.join("\n", server.output()));
      Matcher r1 = rounds.get(0);
      Matcher r2 = rounds.get(1);
      Matcher r3 = rounds.get(2);
      assertEquals(List.of("1", "5", "5", "true", ""), List.of(r1.group(1), r1.group(2), r1.group(3), r1.group(4), r1.group(5)));
      assertEquals(List.of("2", "5", "4", "true", "p5:ERROR"), List.of(r2.group(1), r2.group(2), r2.group(3), r2.group(4), r2.group(5)));
      assertEquals(List.of("3", "4", "4", "true", ""), List.of(r3.group(1), r3.group(2), r3.group(3), r3.group(4), r3.group(5)));
      double accuracy = Double.parseDouble(r3.group(6));
      assertTrue(accuracy > 0.9, "federated accuracy after 3 rounds: " + accuracy);
    } finally {
      clients.forEach(JavaProcess::close);
    }
  }
}
