package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client's error-feedback residuals and held start belong to the client, not to its session: a
 * network interruption long enough for the server to drop the session, between rounds, changes
 * nothing in the results.
 */
class ErrorFeedbackReconnectTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  /** While {@link #down}, every call fails at once with UNAVAILABLE, as over a broken network. */
  private static final class Interruption implements ClientInterceptor {
    volatile boolean down;

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      if (!down) return next.newCall(method, options);
      return new ClientCall<>() {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          listener.onClose(Status.UNAVAILABLE.withDescription("simulated network interruption"), new Metadata());
        }

        @Override
        public void request(int n) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void residualsSurviveADroppedSessionAndResultsEqualTheInProcessRun() throws Exception {
    Parameters initial = TestClients.model(64, 64);
    int values = 64 * 64;
    Codec up = Codecs.create("topk+int8", Map.of("fraction", 0.05, "block", 256.0));
    Codec down = Codecs.create("int8", Map.of("block", 256.0));
    FederationConfig config = FederationConfig.builder().rounds(4).seed(17).roundTimeout(Duration.ofSeconds(60))
        .compression(new Compression(up, true, down, true)).build();
    List<String> ids = List.of("alice", "bob");
    RunResult reference = TestClients.compressing(ids, new boolean[] {true, true}, config, initial);

    ServerSettings settings = ServerSettings.defaults("run-reconnect").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofMillis(300));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      Interruption network = new Interruption();
      List<FederationClient> clients = new ArrayList<>();
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Channel channel = net.loopback(server.port());
        if (i == 0) channel = ClientInterceptors.intercept(channel, network);
        FederationClient c = new FederationClient(channel, TestClients.pulling(i, 0), ClientSettings.defaults(ids.get(i))
            .withPollWait(Duration.ofSeconds(1)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
        clients.add(c);
        runs.add(net.submit(c::run));
      }
      FederationClient alice = clients.get(0);
      float[][] before = new float[1][];
      float[][] after = new float[1][];
      RoundListener interrupt = new RoundListener() {
        @Override
        public void roundCompleted(RoundRecord record, int rounds) {
          if (record.round() != 2) return;
          try {
            before[0] = alice.residual(0, values);
            network.down = true;
            await(() -> !server.clients().available().contains("alice"), "the server drops alice's silent session");
            network.down = false;
            await(() -> server.clients().available().contains("alice"), "alice registers again");
            after[0] = alice.residual(0, values);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      RunResult remote = new Federation(TestClients.strategy(ids.size()), server.clients(), config, List.of(interrupt)).run(initial);
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) assertEquals(4, r.get(30, TimeUnit.SECONDS).fitTasks());

      assertTrue(before[0] != null && after[0] != null, "the interruption happened after round 2");
      assertTrue(norm(before[0]) > 0, "top-k left a residual");
      assertArrayEquals(before[0], after[0], "the residual survives the new session");
      for (RoundRecord r : remote.history().rounds()) assertTrue(r.failures().isEmpty(), r.failures().toString());
      assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
      assertEquals(reference.history().withoutTiming(), remote.history().withoutTiming());
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) s += x * x;
    return s;
  }
}
