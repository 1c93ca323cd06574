package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python client is interchangeable with a Java one: a federation under mutual TLS (FedAvg, 3
 * rounds) of a Java client "alice" and the Python client "bob" ends with the same global model,
 * bit for bit, and the same aggregate after every round, as the same federation with a Java "bob".
 * Both languages' clients return {@code global + f(seed)} for the same f ({@link SeededClient},
 * {@code tests/seeded_client.py}); the model's first tensor spans several chunks.
 */
class PythonInteropTest {
  private static final long SEED = 42;
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  /** What one federation produced. */
  private record Outcome(RunResult result, Map<Integer, float[]> aggregates, String pythonOutput) {}

  @Test
  void pythonClientReproducesTheJavaClientBitForBit() throws Exception {
    TestCertificates.generate(dir, List.of("alice", "bob"));
    Outcome mixed = federate(true);
    Outcome java = federate(false);

    assertTrue(mixed.pythonOutput().contains("FINISH the run is complete fits=" + ROUNDS + " evaluations=" + ROUNDS),
        mixed.pythonOutput());
    SameRun.assertSameRun(ROUNDS, java.result(), java.aggregates(), mixed.result(), mixed.aggregates());
  }

  private Outcome federate(boolean pythonBob) throws Exception {
    Parameters initial = TestClients.model(40, 60); // 2400 values: 3 chunks of at most 4 KiB
    ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"));
    PythonClientProcess python = null;
    try (JavaClients javaClients = new JavaClients(dir);
         FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
             .settings(ServerSettings.defaults("interop").withMaxChunkBytes(4096)).start()) {
      server.expectLayout(initial);
      SeededClient alice = new SeededClient(7);
      javaClient(javaClients, server.port(), "alice", alice);
      if (pythonBob) {
        python = PythonClientProcess.seeded(dir, server.port(), "bob", 13, List.of());
      } else {
        javaClient(javaClients, server.port(), "bob", new SeededClient(13));
      }
      assertTrue(server.clients().awaitAvailable(2, Instant.now().plusSeconds(60)), "both clients registered");
      RunResult result = new Federation(TestClients.strategy(2), server.clients(),
          FederationConfig.of(ROUNDS, SEED).withRoundTimeout(Duration.ofSeconds(60)), List.of()).run(initial);
      server.finish("the run is complete", Duration.ofSeconds(5));
      javaClients.assertFitTasks(ROUNDS);
      String output = python == null ? "" : python.awaitExit(0, Duration.ofSeconds(60));
      return new Outcome(result, alice.evaluated, output);
    } finally {
      if (python != null) python.close();
    }
  }

  /** A Java client declaring no codecs. */
  private static void javaClient(JavaClients clients, int port, String name, SeededClient client) {
    ClientSettings settings = ClientSettings.defaults(name).withCodecs(List.of()).withGiveUpAfter(Duration.ofSeconds(60));
    clients.start(new FederationClient(clients.channel(port, name), client, settings), true);
  }
}
