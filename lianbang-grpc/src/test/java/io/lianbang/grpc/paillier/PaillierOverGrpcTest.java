package io.lianbang.grpc.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.keyholder.KeyHolderService;
import io.lianbang.grpc.keyholder.RemoteKeyHolder;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.privacy.TargetClient;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.privacy.paillier.PaillierAggregation;
import io.lianbang.privacy.paillier.PaillierClient;
import io.lianbang.privacy.paillier.PaillierRound;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Paillier aggregation over gRPC on loopback sockets: clients that only dial out send their
 * encrypted contributions in parts through {@code SubmitEncrypted}; the server adds them and
 * sends only the sum to a key holder it reaches over the {@code KeyHolder} service. The result
 * equals plain FedAvg within the fixed-point bound m·2^−41/Σw per coordinate (plus float32
 * rounding). The key holder refuses a second aggregate of the same round and a sum of one update;
 * a client refuses a fit task that does not ask for Paillier aggregation.
 */
class PaillierOverGrpcTest {
  private static final int DIM = 31;
  @RegisterExtension final TestChannels net = new TestChannels();

  private static List<TargetClient> targets(int n) {
    return TargetClient.random(n, DIM, 7);
  }

  private static FedAvg fedAvg(int n) {
    return FedAvg.builder().minFitClients(n).minAvailableClients(n).fractionFit(1.0).build();
  }

  private static RunResult plain(List<TargetClient> clients, int rounds) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int c = 0; c < clients.size(); c++) proxies.add(new LocalClientProxy("client-" + c, clients.get(c), pool));
      return new Federation(fedAvg(clients.size()), new StaticClientPool(proxies), FederationConfig.of(rounds, 3), List.of())
          .run(Parameters.of(Tensor.zeros(DIM)));
    } finally {
      pool.shutdownNow();
    }
  }

  private Server keyHolder(LocalKeyHolder holder) throws Exception {
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new KeyHolderService(holder, DIM + 2))
        .build().start();
    return s;
  }

  @Test
  void threeClientsOverSocketsGivePlainFedAvgWithinTheFixedPointBound() throws Exception {
    int n = 3;
    int rounds = 2;
    List<TargetClient> clients = targets(n);
    Server holderServer = keyHolder(LocalKeyHolder.generate(512, 2, new SecureRandom()));
    try {
      ManagedChannel holderChannel = net.keep(Grpc.newChannelBuilder("127.0.0.1:" + holderServer.getPort(),
          InsecureChannelCredentials.create()).build());
      RemoteKeyHolder holder = new RemoteKeyHolder(holderChannel, Duration.ofSeconds(20));
      // Small parts: a part holds 29 ciphertexts of 128 bytes, so a contribution of 33 takes 2.
      ServerSettings settings = ServerSettings.defaults("paillier-run").withAllowAnonymous(true)
          .withHeartbeatInterval(Duration.ofMillis(500)).withMaxChunkBytes(4096);
      try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
        List<Future<FederationClient.Summary>> runs = new ArrayList<>();
        for (int c = 0; c < n; c++) {
          ManagedChannel channel = net.keep(Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create()).build());
          ClientSettings cs = ClientSettings.defaults("client-" + c).withPollWait(Duration.ofSeconds(2))
              .withGiveUpAfter(Duration.ofSeconds(5)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
          runs.add(net.submit(new FederationClient(channel, new PaillierClient(clients.get(c), new SecureRandom()), cs)::run));
        }
        List<PaillierRound> observed = new CopyOnWriteArrayList<>();
        PaillierAggregation strategy = new PaillierAggregation(fedAvg(n), holder, server.paillierTransport(holder.publicKey()),
            Duration.ofSeconds(30), observed::add);
        RunResult secure = new Federation(strategy, server.clients(),
            FederationConfig.of(rounds, 3).withRoundTimeout(Duration.ofSeconds(60)), List.of()).run(Parameters.of(Tensor.zeros(DIM)));
        server.finish("done", Duration.ofSeconds(5));
        for (Future<FederationClient.Summary> r : runs) {
          FederationClient.Summary s = r.get(20, TimeUnit.SECONDS);
          assertEquals(rounds, s.fitTasks());
          assertEquals(0, s.rejectedResults());
        }
        assertEquals(rounds, observed.size());
        for (PaillierRound r : observed) {
          assertTrue(r.released(), r.toString());
          assertEquals(List.of("client-0", "client-1", "client-2"), r.contributors());
        }

        long totalWeight = 0;
        for (TargetClient c : clients) totalWeight += c.examples();
        float[] expected = plain(clients, rounds).parameters().flatten();
        float[] got = secure.parameters().flatten();
        // Per round the mean update is exact to m·2^−41/Σw; two rounds add up (the second round's
        // update moves with the first's error by a factor 1/2, bounded by 1), plus float rounding.
        double bound = rounds * n * Math.scalb(1.0, -41) / totalWeight;
        for (int i = 0; i < DIM; i++) {
          double tolerance = bound + 4 * Math.ulp(expected[i]);
          assertTrue(Math.abs(expected[i] - got[i]) <= tolerance,
              "coordinate " + i + ": " + got[i] + " vs FedAvg " + expected[i] + ", bound " + tolerance);
        }
      }
    } finally {
      holderServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theKeyHolderReleasesOneAggregatePerRoundAndNoneOfOneUpdate() throws Exception {
    LocalKeyHolder local = LocalKeyHolder.generate(512, 2, new SecureRandom());
    Server holderServer = keyHolder(local);
    try {
      ManagedChannel ch = net.keep(Grpc.newChannelBuilder("127.0.0.1:" + holderServer.getPort(), InsecureChannelCredentials.create()).build());
      RemoteKeyHolder holder = new RemoteKeyHolder(ch, Duration.ofSeconds(20));
      assertEquals(local.publicKey(), holder.publicKey());
      float[] g = new float[DIM];
      float[] t = new float[DIM];
      t[0] = 1;
      PaillierClient a = new PaillierClient(new TargetClient(t, 10), new SecureRandom());
      PaillierClient b = new PaillierClient(new TargetClient(t, 30), new SecureRandom());
      IllegalStateException clear = assertThrows(IllegalStateException.class,
          () -> a.fit(new FitTask(1, Parameters.of(Tensor.vector(g)), io.lianbang.core.task.Config.empty(), 0)));
      assertTrue(clear.getMessage().contains("did not ask for Paillier aggregation"), clear.getMessage());
      FitTask task1 = new FitTask(1, Parameters.of(Tensor.vector(g)), io.lianbang.core.task.Config.empty().with(PaillierAggregation.CONFIG_KEY, true), 0);
      a.fit(task1);
      IllegalStateException one = assertThrows(IllegalStateException.class, () -> holder.decryptMean(1, a.take(1, holder.publicKey(), DIM + 2)));
      assertTrue(one.getMessage().contains("FAILED_PRECONDITION") && one.getMessage().contains("at least 2"), one.getMessage());
      FitTask task2 = new FitTask(2, Parameters.of(Tensor.vector(g)), io.lianbang.core.task.Config.empty().with(PaillierAggregation.CONFIG_KEY, true), 0);
      a.fit(task2);
      b.fit(task2);
      var sum = a.take(2, holder.publicKey(), DIM + 2).plus(b.take(2, holder.publicKey(), DIM + 2));
      var mean = holder.decryptMean(2, sum);
      assertEquals(40.0, mean.totalWeight(), 1e-9);
      assertEquals(0.5, mean.meanUpdate()[0], 1e-9); // both move coordinate 0 halfway to 1
      IllegalStateException again = assertThrows(IllegalStateException.class, () -> holder.decryptMean(2, sum));
      assertTrue(again.getMessage().contains("FAILED_PRECONDITION") && again.getMessage().contains("round 2"), again.getMessage());
    } finally {
      holderServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
