package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  @TempDir Path dir;

  @AfterEach
  void shutdown() {
    executor.shutdownNow();
  }

  /** Trains to (1, 1, 1); evaluation reports loss 1. */
  private static final Client CLIENT = new Client() {
    @Override
    public FitResult fit(FitTask task) {
      return new FitResult(Parameters.of(Tensor.vector(1, 1, 1)), 5, Metrics.empty());
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      return new EvalResult(1, 5, Metrics.empty());
    }
  };

  private List<ClientProxy> proxies(int n) {
    List<ClientProxy> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new LocalClientProxy("c" + i, CLIENT, executor));
    return out;
  }

  private static FedAvg allClients(int n) {
    return FedAvg.builder().minFitClients(n).minAvailableClients(n).fractionEvaluate(1.0).build();
  }

  @Test
  void encodedSizeIsFourBytesPerValuePlusTensorHeaders() {
    // vector of 3: 4 + 8·1 + 4·3 = 24; 2×3 matrix: 4 + 8·2 + 4·6 = 44
    assertEquals(68, EncodedSize.float32(Parameters.of(Tensor.vector(1, 2, 3), Tensor.zeros(2, 3))));
    assertEquals(12, EncodedSize.float32(Parameters.of(Tensor.zeros(0))));
  }

  @Test
  void simulationRecordsEncodedBytesPerRoundAndCumulative() throws Exception {
    RunResult run = new Federation(allClients(3), new StaticClientPool(proxies(3)), FederationConfig.of(3, 1), List.of())
        .run(Parameters.of(Tensor.vector(0, 0, 0)));
    // each model is 4 + 8 + 3·4 = 24 bytes; per round 3 fit and 3 evaluate tasks go down, 3 fit results come up
    assertEquals(3, run.history().rounds().size());
    for (RoundRecord r : run.history().rounds()) {
      assertEquals(new Traffic(3 * 24, 6 * 24), r.traffic(), "round " + r.round());
      assertEquals(new Traffic(r.round() * 3 * 24, r.round() * 6 * 24), r.totalTraffic(), "round " + r.round());
    }
  }

  /** A pool whose transport reports 1000 bytes down per task and 7 bytes up per answer, and 50 bytes for a past round. */
  private static final class MeteredPool implements ClientPool {
    final TrafficMeter meter = new TrafficMeter();
    final StaticClientPool inner;

    MeteredPool(List<ClientProxy> proxies) {
      List<ClientProxy> metered = new ArrayList<>();
      for (ClientProxy p : proxies) {
        metered.add(new ClientProxy() {
          @Override
          public String id() {
            return p.id();
          }

          @Override
          public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
            meter.downlink(task.round(), 1000);
            meter.uplink(task.round() - 1, 50);
            return p.fit(task, deadline).thenApply(r -> {
              meter.uplink(task.round(), 7);
              return r;
            });
          }

          @Override
          public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
            meter.downlink(task.round(), 1000);
            return p.evaluate(task, deadline).thenApply(r -> {
              meter.uplink(task.round(), 7);
              return r;
            });
          }
        });
      }
      inner = new StaticClientPool(metered);
    }

    @Override
    public List<String> available() {
      return inner.available();
    }

    @Override
    public Optional<ClientProxy> get(String id) {
      return inner.get(id);
    }

    @Override
    public boolean awaitAvailable(int count, Instant deadline) {
      return inner.awaitAvailable(count, deadline);
    }

    @Override
    public Optional<TrafficMeter> trafficMeter() {
      return Optional.of(meter);
    }
  }

  @Test
  void aPoolThatMeasuresItsTransportIsRecordedInsteadOfEncodedSizes() throws Exception {
    RunResult run = new Federation(allClients(2), new MeteredPool(proxies(2)), FederationConfig.of(2, 1), List.of())
        .run(Parameters.of(Tensor.vector(0, 0, 0)));
    // per round: 2 fit + 2 evaluate tasks of 1000 bytes down, 4 answers of 7 bytes up; bytes for the previous round are dropped
    assertEquals(new Traffic(28, 4000), run.history().rounds().get(0).traffic());
    assertEquals(new Traffic(28, 4000), run.history().rounds().get(1).traffic());
    assertEquals(new Traffic(56, 8000), run.history().rounds().get(1).totalTraffic());
  }

  @Test
  void meterCountsOnlyTheOpenRound() {
    TrafficMeter m = new TrafficMeter();
    m.uplink(1, 3); // before the round begins
    m.begin(1);
    m.uplink(1, 5);
    m.downlink(1, 7);
    m.downlink(0, 100); // a late answer of an earlier round
    assertEquals(new Traffic(5, 7), m.end(1));
    m.uplink(1, 9); // after the round ended
    m.begin(2);
    m.downlink(2, 2);
    assertEquals(new Traffic(0, 2), m.end(2));
    assertEquals(Traffic.NONE, m.end(3));
  }

  @Test
  void checkpointKeepsTheBytesAndAResumedRunContinuesTheTotal() throws Exception {
    CheckpointFile file = new CheckpointFile(dir.resolve("run.ckpt"));
    Parameters initial = Parameters.of(Tensor.vector(0, 0, 0));
    new Federation(allClients(2), new StaticClientPool(proxies(2)), FederationConfig.of(1, 1), List.of(), file).run(initial);
    assertEquals(new Traffic(48, 96), file.read().orElseThrow().history().last().totalTraffic());
    RunResult resumed = new Federation(allClients(2), new StaticClientPool(proxies(2)), FederationConfig.of(3, 1), List.of(), file)
        .run(initial);
    assertEquals(new Traffic(48, 96), resumed.history().rounds().get(0).traffic());
    assertEquals(new Traffic(3 * 48, 3 * 96), resumed.history().last().totalTraffic());
    assertEquals(resumed.history(), file.read().orElseThrow().history());
  }
}
