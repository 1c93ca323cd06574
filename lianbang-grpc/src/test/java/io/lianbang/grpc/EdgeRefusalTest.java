package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.client.Client;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.client.FederationClientException;
import io.lianbang.grpc.server.EdgePolicy;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The parent's bounds on partial sums, over real gRPC on loopback: a client not configured as an
 * edge that sends a "sum of 10,000 clients", an edge claiming more terms than the limit, and an
 * edge claiming more weight than maxExamples per term are each refused as invalid; an ordinary
 * client and a well-formed edge are folded in, and the model is exactly their combined mean.
 */
class EdgeRefusalTest {
  private static final int MAX_TERMS = 3;
  private static final long MAX_EXAMPLES = 1000;

  @Test
  void partialSumsAreAcceptedOnlyFromConfiguredEdgesWithinBounds() throws Exception {
    Parameters layout = TestClients.initial();
    ExactWeightedSum edgeSum = sum(layout, 2, 0.5f, 40);
    Map<String, Client> clients = new LinkedHashMap<>();
    clients.put("honest", answering(t -> new FitResult(constant(t.parameters(), 1.25f), 10, Metrics.empty())));
    clients.put("edge", answering(t -> FitResult.ofPartialSum(edgeSum, Metrics.empty())));
    clients.put("rogue", answering(t -> FitResult.ofPartialSum(sum(layout, MAX_TERMS, 9f, 1), Metrics.empty())));
    clients.put("big-edge", answering(t -> FitResult.ofPartialSum(sum(layout, MAX_TERMS + 1, 9f, 1), Metrics.empty())));
    clients.put("heavy-edge", answering(t -> FitResult.ofPartialSum(sum(layout, 1, 9f, MAX_EXAMPLES + 1), Metrics.empty())));

    ServerSettings settings = ServerSettings.defaults("edges").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofMillis(500))
        .withEdges(new EdgePolicy(Set.of("edge", "big-edge", "heavy-edge"), MAX_TERMS));
    FederationConfig config = FederationConfig.of(1, 3).withQuorum(0.2).withMaxExamples(MAX_EXAMPLES).withRoundTimeout(Duration.ofSeconds(20));
    ExecutorService pool = Executors.newCachedThreadPool();
    List<ManagedChannel> channels = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).insecure().settings(settings).start()) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (Map.Entry<String, Client> c : clients.entrySet()) {
        ManagedChannel ch = ClientChannels.open("127.0.0.1:" + server.port(), null, null, true);
        channels.add(ch);
        runs.add(pool.submit(new FederationClient(ch, c.getValue(), ClientSettings.defaults(c.getKey()).withPollWait(Duration.ofSeconds(2)))::run));
      }
      FedAvg strategy = FedAvg.builder().minFitClients(5).minAvailableClients(5).build();
      RunResult result = new Federation(strategy, server.clients(), config, List.of()).run(layout);
      server.finish("done", Duration.ofSeconds(5));
      List<String> names = new ArrayList<>(clients.keySet());
      for (int i = 0; i < runs.size(); i++) {
        if (!names.get(i).equals("rogue")) {
          runs.get(i).get(20, TimeUnit.SECONDS);
          continue;
        }
        // PERMISSION_DENIED: a client that is not an edge stops instead of retrying its sums
        ExecutionException e = assertThrows(ExecutionException.class, () -> runs.get(names.indexOf("rogue")).get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof FederationClientException && e.getCause().getMessage().contains("PERMISSION_DENIED"),
            String.valueOf(e.getCause()));
      }

      RoundRecord round = result.history().last();
      assertEquals(2, round.succeeded());
      Map<String, ClientFailure> failures = round.failures().stream().collect(Collectors.toMap(ClientFailure::clientId, f -> f));
      assertEquals(Set.of("rogue", "big-edge", "heavy-edge"), failures.keySet());
      failures.values().forEach(f -> assertEquals(ClientFailure.Kind.INVALID, f.kind(), f.toString()));
      assertTrue(failures.get("rogue").message().contains("not configured as an edge aggregator"), failures.get("rogue").message());
      assertTrue(failures.get("big-edge").message().contains("fit.exact_sum.terms"), failures.get("big-edge").message());
      assertTrue(failures.get("heavy-edge").message().contains("exceeds 1 terms x maxExamples"), failures.get("heavy-edge").message());

      ExactWeightedSum expected = new ExactWeightedSum(layout);
      expected.add(constant(layout, 1.25f), 10);
      expected.addAll(edgeSum);
      assertArrayEquals(expected.mean().flatten(), result.parameters().flatten());
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      pool.shutdownNow();
    }
  }

  /** A partial sum of {@code terms} models whose values are {@code value + term}, each weighing {@code weight}. */
  private static ExactWeightedSum sum(Parameters layout, int terms, float value, long weight) {
    ExactWeightedSum s = new ExactWeightedSum(layout);
    for (int t = 0; t < terms; t++) s.add(constant(layout, value + t), weight);
    return s;
  }

  private static Parameters constant(Parameters layout, float value) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : layout.tensors()) {
      float[] v = new float[t.size()];
      java.util.Arrays.fill(v, value);
      out.add(Tensor.of(t.shape(), v));
    }
    return Parameters.of(out);
  }

  private static Client answering(Function<FitTask, FitResult> fit) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        return fit.apply(task);
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(0, 1, Metrics.empty());
      }
    };
  }
}
