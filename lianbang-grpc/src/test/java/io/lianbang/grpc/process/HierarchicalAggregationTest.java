package io.lianbang.grpc.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.core.client.Client;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.EdgePolicy;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hierarchical aggregation over real gRPC with mutual TLS on loopback: ten deterministic clients
 * train three rounds of FedAvg once flat (one server, ten clients) and once under two edge
 * aggregator processes (a parent server, edges {@code edge-a} and {@code edge-b} with five clients
 * each). The edges forward exact partial sums; every round's global model (the start every client
 * receives) and the final model must be equal bit for bit, and equal to the in-process reference.
 */
class HierarchicalAggregationTest {
  private static final long SEED = 2024;
  private static final int CLIENTS = 10;
  @TempDir Path dir;

  @Test
  void twoEdgeProcessesGiveTheFlatGlobalModelBitForBit() throws Exception {
    Path certs = dir.resolve("certs");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) ids.add("c" + i);
    List<String> names = new ArrayList<>(ids);
    names.addAll(List.of("edge-a", "edge-b"));
    TestCertificates.generate(certs, names);
    FederationConfig config = FederationConfig.of(3, SEED).withRoundTimeout(Duration.ofSeconds(60));

    Map<String, int[]> flatStarts = new ConcurrentHashMap<>();
    RunResult flat;
    try (FederationServer server = server(certs, ServerSettings.defaults("flat").withAllowedClients(Set.copyOf(ids)))) {
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) targets.add("localhost:" + server.port());
      flat = runWithClients(server, TestClients.strategy(CLIENTS), config, certs, ids, targets, flatStarts);
    }

    Map<String, int[]> treeStarts = new ConcurrentHashMap<>();
    RunResult tree;
    ServerSettings parentSettings = ServerSettings.defaults("tree").withAllowedClients(Set.of("edge-a", "edge-b"))
        .withEdges(EdgePolicy.of(Set.of("edge-a", "edge-b")));
    FedAvg parentStrategy = FedAvg.builder().minFitClients(2).minAvailableClients(2).fractionEvaluate(1.0).minEvaluateClients(2).build();
    try (FederationServer parent = server(certs, parentSettings);
         JavaProcess edgeA = edge("edge-a", parent.port(), certs, ids.subList(0, 5));
         JavaProcess edgeB = edge("edge-b", parent.port(), certs, ids.subList(5, 10))) {
      int portA = port(edgeA);
      int portB = port(edgeB);
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) targets.add("localhost:" + (i < 5 ? portA : portB));
      tree = runWithClients(parent, parentStrategy, config, certs, ids, targets, treeStarts);
      for (JavaProcess e : List.of(edgeA, edgeB)) {
        assertEquals(0, e.waitFor(Duration.ofSeconds(30)), String.join("\n", e.output()));
        assertTrue(e.output().stream().anyMatch(l -> l.matches("EDGE_DONE edge-[ab] fits=3 evaluations=3")), String.join("\n", e.output()));
      }
    }

    for (RoundRecord r : tree.history().rounds()) {
      assertEquals(2, r.succeeded(), "round " + r.round() + " folds both edges");
      assertTrue(r.failures().isEmpty(), r.failures().toString());
      assertEquals(95, r.federated().orElseThrow().numExamples(), "every client evaluated under its edge");
    }
    assertEquals(3 * CLIENTS, flatStarts.size());
    assertEquals(new TreeMap<>(flatStarts).keySet(), new TreeMap<>(treeStarts).keySet());
    for (String key : new TreeMap<>(flatStarts).keySet()) {
      assertArrayEquals(flatStarts.get(key), treeStarts.get(key), "global model received by " + key);
    }
    assertArrayEquals(bits(flat.parameters().flatten()), bits(tree.parameters().flatten()), "final global model");
    assertArrayEquals(bits(TestClients.reference(ids, config).parameters().flatten()), bits(flat.parameters().flatten()),
        "the flat run over gRPC is the in-process reference");
  }

  private static FederationServer server(Path certs, ServerSettings settings) {
    return FederationServer.builder().bind("127.0.0.1", 0)
        .tls(new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), certs.resolve("ca.pem")))
        .settings(settings.withHeartbeatInterval(Duration.ofMillis(500))).start();
  }

  private JavaProcess edge(String name, int parentPort, Path certs, List<String> clients) throws Exception {
    return JavaProcess.start(EdgeMain.class, List.of("parent=localhost:" + parentPort, "name=" + name, "seed=" + SEED,
        "minClients=" + clients.size(), "tls=" + certs, "allow=" + String.join(",", clients)), dir.resolve(name + ".log"));
  }

  private static int port(JavaProcess edge) throws InterruptedException {
    return Integer.parseInt(edge.await(l -> l.startsWith("LISTENING "), Duration.ofSeconds(30)).substring("LISTENING ".length()).trim());
  }

  /**
   * Runs {@code strategy} on {@code server} while client {@code ids[i]} ({@link TestClients#pulling
   * pulling(i)}) serves at {@code targets[i]}, recording the start model of each of its fit tasks.
   */
  private static RunResult runWithClients(FederationServer server, Strategy strategy, FederationConfig config, Path certs,
      List<String> ids, List<String> targets, Map<String, int[]> starts) throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        ManagedChannel ch = ClientChannels.open(targets.get(i),
            new ClientTls(certs.resolve("ca.pem"), certs.resolve("client-" + id + ".pem"), certs.resolve("client-" + id + "-key.pem")), null, false);
        channels.add(ch);
        FederationClient c = new FederationClient(ch, recording(id, TestClients.pulling(i, 0), starts),
            ClientSettings.defaults(id).withPollWait(Duration.ofSeconds(2)).withGiveUpAfter(Duration.ofSeconds(60))
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
        runs.add(pool.submit(c::run));
      }
      RunResult result = new Federation(strategy, server.clients(), config, List.of()).run(TestClients.initial());
      server.finish("done", Duration.ofSeconds(5));
      for (int i = 0; i < runs.size(); i++) {
        FederationClient.Summary s = runs.get(i).get(30, TimeUnit.SECONDS);
        assertEquals(3, s.fitTasks(), ids.get(i) + " trained every round");
      }
      return result;
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      pool.shutdownNow();
    }
  }

  private static Client recording(String id, Client inner, Map<String, int[]> starts) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        starts.put(id + ":round" + task.round(), bits(task.parameters().flatten()));
        return inner.fit(task);
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return inner.evaluate(task);
      }
    };
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
    return out;
  }
}
