package io.lianbang.examples.twolayer;

import io.grpc.ManagedChannel;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.Config;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Two {@link TwoLayerClient}s train the four-tensor model with a federation server over gRPC on
 * loopback (plaintext, anonymous clients: loopback only; see the README for TLS and tokens).
 */
public final class TwoLayerFederation {
  private TwoLayerFederation() {}

  /** Runs 30 rounds and prints the loss per round. */
  public static void main(String[] args) throws Exception {
    RunResult result = run(30);
    result.history().rounds().forEach(r -> System.out.printf("round %2d  loss %.4f%n", r.round(),
        r.federated().map(e -> e.loss()).orElse(Double.NaN)));
  }

  /** The federation, for {@code rounds} rounds; every wait has a deadline. */
  public static RunResult run(int rounds) throws Exception {
    ServerSettings settings = ServerSettings.defaults("two-layer").withAllowAnonymous(true);
    ExecutorService clients = Executors.newFixedThreadPool(2);
    List<ManagedChannel> channels = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      List<Future<FederationClient.Summary>> running = new ArrayList<>();
      String[] names = {"hospital-a", "hospital-b"};
      for (int i = 0; i < names.length; i++) {
        ManagedChannel channel = ClientChannels.open("127.0.0.1:" + server.port(), null, null, true);
        channels.add(channel);
        FederationClient client = new FederationClient(channel, new TwoLayerClient(i + 1, 200 + 100 * i, i == 0 ? 1f : -1f),
            ClientSettings.defaults(names[i]));
        running.add(clients.submit(client::run));
      }
      FedAvg strategy = FedAvg.builder()
          .minFitClients(2).minAvailableClients(2)
          .fitConfig(round -> Config.of(Map.of("lr", 0.02, "local_steps", 10)))
          .build();
      FederationConfig config = FederationConfig.of(rounds, 42).withRoundTimeout(Duration.ofSeconds(60));
      RunResult result = new Federation(strategy, server.clients(), config, List.of()).run(TwoLayerClient.initial(4, 7));
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : running) r.get(30, TimeUnit.SECONDS);
      return result;
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      clients.shutdownNow();
      clients.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
