package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecureAggregation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python clients take part in secure aggregation interchangeably with Java ones: a federation
 * under mutual TLS running SecAgg+ over gRPC (3 rounds) of the Java clients "alice" and "carol"
 * and the Python clients "bob" and "dave", where dave vanishes in round 2 right after sending its
 * encrypted shares, gives the same aggregate after every round and the same final model, bit for
 * bit, as the same federation of four Java clients whose dave vanishes at the same point. The
 * masked inputs reproduce the same quantised updates, so the unmasked sums are equal exactly.
 */
class PythonSecAggTest {
  private static final long SEED = 42;
  private static final int ROUNDS = 3;
  private static final int DROP_ROUND = 2;
  private static final Map<String, Integer> EXAMPLES = Map.of("alice", 7, "bob", 13, "carol", 11, "dave", 17);

  @TempDir Path dir;

  /** What one federation produced. */
  private record Outcome(RunResult result, Map<Integer, float[]> aggregates, List<SecAggResult> secagg, String bobOutput,
      String daveOutput) {}

  @Test
  void pythonClientsReproduceTheJavaClientsUnderSecureAggregationWithOneDropping() throws Exception {
    TestCertificates.generate(dir, List.of("alice", "bob", "carol", "dave"));
    Outcome mixed = federate(true);
    Outcome java = federate(false);

    assertTrue(mixed.bobOutput().contains("FINISH the run is complete fits=" + ROUNDS), mixed.bobOutput());
    assertTrue(mixed.daveOutput().contains("DROPPED " + DROP_ROUND), mixed.daveOutput());
    for (Outcome o : List.of(mixed, java)) {
      assertEquals(ROUNDS, o.secagg().size(), "every round was aggregated securely");
      assertEquals(List.of("alice", "bob", "carol"), o.secagg().get(DROP_ROUND - 1).survivors());
      assertTrue(o.secagg().get(DROP_ROUND - 1).dropped().get("dave").startsWith("masked input"), o.secagg().toString());
      assertEquals(List.of("alice", "bob", "carol", "dave"), o.secagg().get(0).survivors());
    }
    SameRun.assertSameRun(ROUNDS, java.result(), java.aggregates(), mixed.result(), mixed.aggregates());
  }

  private static FedAvg strategy() {
    return FedAvg.builder().minFitClients(3).minAvailableClients(3).fractionEvaluate(1.0).minEvaluateClients(3).build();
  }

  private Outcome federate(boolean python) throws Exception {
    Parameters initial = TestClients.model(10, 12); // 123 values
    ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"));
    List<PythonClientProcess> processes = new ArrayList<>();
    try (JavaClients javaClients = new JavaClients(dir);
         FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
             .settings(ServerSettings.defaults("secagg-interop").withHeartbeatInterval(Duration.ofMillis(200))).start()) {
      server.expectLayout(initial);
      SeededClient alice = new SeededClient(EXAMPLES.get("alice"));
      javaClient(javaClients, server.port(), "alice", alice);
      javaClient(javaClients, server.port(), "carol", new SeededClient(EXAMPLES.get("carol")));
      if (python) {
        processes.add(pythonClient(server.port(), "bob", List.of()));
        processes.add(pythonClient(server.port(), "dave", List.of("--drop-after-shares", String.valueOf(DROP_ROUND))));
      } else {
        javaClient(javaClients, server.port(), "bob", new SeededClient(EXAMPLES.get("bob")));
        javaClient(javaClients, server.port(), "dave", new SeededClient(EXAMPLES.get("dave")));
      }
      assertTrue(server.clients().awaitAvailable(4, Instant.now().plusSeconds(60)), "all four clients registered");
      List<SecAggResult> results = new CopyOnWriteArrayList<>();
      SecureAggregation secure = new SecureAggregation(strategy(), SecAggParams.defaults(), server.secAggTransport(),
          Duration.ofSeconds(30), results::add);
      RunResult result = new Federation(secure, server.clients(),
          FederationConfig.of(ROUNDS, SEED).withRoundTimeout(Duration.ofSeconds(90)), List.of()).run(initial);
      server.finish("the run is complete", Duration.ofSeconds(5));
      javaClients.assertFitTasks(ROUNDS);
      String[] output = {"", ""};
      for (int i = 0; i < processes.size(); i++) output[i] = processes.get(i).awaitExit(i == 0 ? 0 : 4, Duration.ofSeconds(60));
      return new Outcome(result, alice.evaluated, results, output[0], output[1]);
    } finally {
      for (PythonClientProcess p : processes) p.close();
    }
  }

  private PythonClientProcess pythonClient(int port, String name, List<String> extra) throws Exception {
    List<String> flags = new ArrayList<>(List.of("--secagg"));
    flags.addAll(extra);
    return PythonClientProcess.seeded(dir, port, name, EXAMPLES.get(name), flags);
  }

  /**
   * Starts a Java SecAgg client; "dave" vanishes (closes its channel) when the ShareDelivery of {@link #DROP_ROUND} arrives,
   * and is not awaited.
   */
  private static void javaClient(JavaClients clients, int port, String name, SeededClient client) {
    ManagedChannel channel = clients.channel(port, name);
    SecAggClient secure = new SecAggClient(client, new SecAggParticipant());
    UnaryOperator<SecAggMessage> respond = secure.participant()::respond;
    if (name.equals("dave")) {
      respond = request -> {
        if (request instanceof SecAggMessage.ShareDelivery d && d.round() == DROP_ROUND) {
          channel.shutdownNow(); // the client vanishes after sharing its keys
          throw new IllegalStateException("vanished");
        }
        return secure.participant().respond(request);
      };
    }
    ClientSettings settings = ClientSettings.defaults(name).withGiveUpAfter(Duration.ofSeconds(60))
        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    clients.start(new FederationClient(channel, secure, settings, respond), !name.equals("dave"));
  }
}
