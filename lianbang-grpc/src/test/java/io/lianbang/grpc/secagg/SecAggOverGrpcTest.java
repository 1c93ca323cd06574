package io.lianbang.grpc.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.privacy.TargetClient;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecureAggregation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SecAgg+ between a real gRPC server and clients that only dial out: every stage message travels
 * in the SecAgg binary encoding, routed through the server. One client vanishes after sharing its
 * keys (it closes its channel when the masked-input request arrives, so its heartbeats stop); its
 * masks are removed through its neighbours' shares and the aggregate equals plain FedAvg over the
 * survivors within the quantisation bound. A client refuses a Setup with an unsafe threshold.
 */
class SecAggOverGrpcTest {
  private static final int DIM = 40;
  @RegisterExtension final TestChannels net = new TestChannels();

  private static List<TargetClient> targets(int n) {
    return TargetClient.random(n, DIM, 11);
  }

  private static String id(int c) {
    return "client-" + c;
  }

  private static FedAvg fedAvg(int n) {
    return FedAvg.builder().minFitClients(n).minAvailableClients(n).fractionFit(1.0).build();
  }

  /** Plain FedAvg over the given clients in this JVM: what the secure run must reproduce. */
  private static RunResult plain(List<TargetClient> clients, List<Integer> which) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int c : which) proxies.add(new LocalClientProxy(id(c), clients.get(c), pool));
      return new Federation(fedAvg(which.size()), new StaticClientPool(proxies), FederationConfig.of(1, 3), List.of())
          .run(Parameters.of(Tensor.zeros(DIM)));
    } finally {
      pool.shutdownNow();
    }
  }

  /** How the last client leaves after sharing its keys. */
  private enum Dropout { CRASH, TOO_SLOW }

  private void secureRunWithOneDropout(int n, boolean socket, Dropout how) throws Exception {
    Duration stageTimeout = how == Dropout.TOO_SLOW ? Duration.ofMillis(1500) : Duration.ofSeconds(10);
    List<TargetClient> clients = targets(n);
    int dropper = n - 1;
    ServerSettings settings = ServerSettings.defaults("secagg-run").withAllowAnonymous(true)
        .withHeartbeatInterval(Duration.ofMillis(200));
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = socket
        ? FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()
        : FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        ManagedChannel channel = net.keep(socket
            ? Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create()).build()
            : InProcessChannelBuilder.forName(name).build());
        SecAggClient client = new SecAggClient(clients.get(c), new SecAggParticipant());
        UnaryOperator<SecAggMessage> respond = client.participant()::respond;
        if (c == dropper) {
          respond = request -> {
            if (request instanceof SecAggMessage.ShareDelivery && how == Dropout.CRASH) {
              channel.shutdownNow(); // the client vanishes after sharing its keys
              throw new IllegalStateException("crashed");
            }
            if (request instanceof SecAggMessage.ShareDelivery) {
              try {
                Thread.sleep(stageTimeout.toMillis() + 700); // alive (heartbeats go on) but answers too late
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return client.participant().respond(request);
          };
        }
        ClientSettings cs = ClientSettings.defaults(id(c)).withPollWait(Duration.ofSeconds(2))
            .withGiveUpAfter(Duration.ofSeconds(3)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
        FederationClient fc = new FederationClient(channel, client, cs, respond);
        runs.add(net.submit(fc::run));
      }
      List<SecAggResult> results = new CopyOnWriteArrayList<>();
      SecureAggregation strategy = new SecureAggregation(fedAvg(n), SecAggParams.defaults(), server.secAggTransport(),
          stageTimeout, results::add);
      RunResult secure = new Federation(strategy, server.clients(),
          FederationConfig.of(1, 3).withRoundTimeout(Duration.ofSeconds(30)), List.of()).run(Parameters.of(Tensor.zeros(DIM)));
      server.finish("done", Duration.ofSeconds(5));
      for (int c = 0; c < n - 1; c++) {
        FederationClient.Summary s = runs.get(c).get(20, TimeUnit.SECONDS);
        assertEquals(1, s.fitTasks());
        assertEquals(4, s.secaggStages(), "stages answered by " + id(c));
      }

      assertEquals(1, results.size());
      SecAggResult r = results.get(0);
      List<Integer> survivors = new ArrayList<>();
      for (int c = 0; c < n - 1; c++) survivors.add(c);
      List<String> survivorIds = new ArrayList<>();
      for (int c : survivors) survivorIds.add(id(c));
      assertEquals(survivorIds, r.survivors());
      assertTrue(r.dropped().get(id(dropper)).startsWith("masked input"), r.dropped().toString());
      if (how == Dropout.TOO_SLOW) {
        assertEquals("masked input: no response before the deadline", r.dropped().get(id(dropper)));
        FederationClient.Summary late = runs.get(dropper).get(20, TimeUnit.SECONDS);
        assertEquals(1, late.rejectedResults(), "the late masked input is refused as closed");
      }
      assertEquals(n - 1.0, secure.history().last().fitMetrics().get("secagg_clients").orElseThrow());
      assertEquals(1.0, secure.history().last().fitMetrics().get("secagg_dropped").orElseThrow());

      // Quantisation bound: each of the m surviving inputs moves a coordinate of the weighted sum
      // by less than one step, and the total weight by less than one weight step (step / 2c).
      float[] expected = plain(clients, survivors).parameters().flatten();
      float[] got = secure.parameters().flatten();
      int m = survivors.size();
      double weightStep = r.step() / (2 * SecAggParams.defaults().clipRange());
      for (int i = 0; i < DIM; i++) {
        double bound = (m * r.step() + Math.abs(expected[i]) * m * weightStep) / (r.totalWeight() - m * weightStep)
            + 2 * Math.ulp(expected[i]);
        assertTrue(Math.abs(expected[i] - got[i]) <= bound,
            "coordinate " + i + ": " + got[i] + " vs FedAvg " + expected[i] + ", bound " + bound);
      }
    }
  }

  @Test
  void sixInProcessClientsOneDroppingAfterKeySharingGivePlainFedAvg() throws Exception {
    secureRunWithOneDropout(6, false, Dropout.CRASH);
  }

  @Test
  void aClientThatMissesTheMaskedInputDeadlineCountsAsDropped() throws Exception {
    secureRunWithOneDropout(5, false, Dropout.TOO_SLOW);
  }

  @Test
  void fiveClientsOverRealLoopbackSocketsOneDroppingAfterKeySharingGivePlainFedAvg() throws Exception {
    secureRunWithOneDropout(5, true, Dropout.CRASH);
  }

  /**
   * A hostile server sends the Setup of the round (three clients, threshold 1) to a real
   * client over loopback: the client answers with an error naming the unsafe threshold, so the
   * stage fails and the client never advertises keys, shares its secrets or masks its input.
   */
  @Test
  void aClientRefusesASetupWithThresholdOneOverLoopback() throws Exception {
    ServerSettings settings = ServerSettings.defaults("secagg-unsafe").withAllowAnonymous(true)
        .withHeartbeatInterval(Duration.ofMillis(200));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      ManagedChannel channel = net.keep(Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create()).build());
      SecAggClient client = new SecAggClient(targets(1).get(0), new SecAggParticipant());
      List<SecAggMessage> answered = new CopyOnWriteArrayList<>();
      UnaryOperator<SecAggMessage> respond = request -> {
        SecAggMessage reply = client.participant().respond(request);
        answered.add(reply);
        return reply;
      };
      ClientSettings cs = ClientSettings.defaults(id(0)).withPollWait(Duration.ofSeconds(2))
          .withGiveUpAfter(Duration.ofSeconds(3)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
      Future<FederationClient.Summary> run = net.submit(new FederationClient(channel, client, cs, respond)::run);
      for (int i = 0; i < 400 && !server.clients().available().contains(id(0)); i++) Thread.sleep(25);
      assertTrue(server.clients().available().contains(id(0)), "the client registered");

      SecAggMessage.Setup unsafe = new SecAggMessage.Setup(1, List.of(id(0), id(1), id(2)), 0, List.of(1, 2), 1, 1.0, 32, 100, DIM);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> server.secAggTransport().send(id(0), unsafe, Instant.now().plusSeconds(20)).get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("client reported an error: unsafe setup refused: threshold must be >= 2"),
          e.getCause().getMessage());
      // The fault's kind travels in TaskError.kind: the server classifies it without reading the message.
      assertEquals(io.lianbang.privacy.secagg.SecAggException.Kind.UNSAFE,
          org.junit.jupiter.api.Assertions.assertInstanceOf(io.lianbang.privacy.secagg.SecAggException.class, e.getCause()).kind());
      assertTrue(answered.isEmpty(), "the client answered " + answered);
      server.finish("done", Duration.ofSeconds(5));
      assertEquals(1, run.get(20, TimeUnit.SECONDS).secaggStages(), "the stage was answered, with the error");
    }
  }
}
