package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerMetrics;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server reports to its {@link ServerMetrics} what it serves: the bytes the run's traffic
 * counts, every upload its task took, and every refusal by reason, whichever part refused; and it
 * tells the levels (clients connected, uploads and downloads in flight) when asked.
 */
class ServerMetricsTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  /** What the server reported. */
  private static final class Recorded implements ServerMetrics {
    final AtomicReference<FederationServer> server = new AtomicReference<>();
    final AtomicLong received = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final Map<RefusalReason, Integer> refused = new ConcurrentHashMap<>();
    final List<Duration> uploads = new CopyOnWriteArrayList<>();
    final List<Integer> inFlightAtUpload = new CopyOnWriteArrayList<>();

    @Override
    public void refused(RefusalReason reason) {
      refused.merge(reason, 1, Integer::sum);
    }

    @Override
    public void received(long bytes) {
      received.addAndGet(bytes);
    }

    @Override
    public void sent(long bytes) {
      sent.addAndGet(bytes);
    }

    @Override
    public void uploaded(Duration elapsed) {
      uploads.add(elapsed);
      inFlightAtUpload.add(server.get().uploadsInFlight());
    }
  }

  @Test
  void theServerReportsBytesUploadsRefusalsAndLevels() throws Exception {
    Recorded metrics = new Recorded();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).metrics(metrics)
        .settings(ServerSettings.defaults("metered").withAllowAnonymous(true)).start()) {
      metrics.server.set(server);
      List<Future<FederationClient.Summary>> clients = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        FederationClient c = new FederationClient(net.loopback(server.port()), TestClients.pulling(i, 0),
            ClientSettings.defaults("c" + i).withGiveUpAfter(Duration.ofSeconds(60)));
        clients.add(net.submit(c::run));
      }
      assertTrue(server.clients().awaitAvailable(2, Instant.now().plusSeconds(30)), "two clients registered");
      List<Integer> connectedAtRoundStart = new CopyOnWriteArrayList<>();
      RoundListener sampling = new RoundListener() {
        @Override
        public void roundStarted(int round, int rounds, int sampled) {
          connectedAtRoundStart.add(server.connectedClients());
        }
      };
      FederationConfig config = FederationConfig.of(2, 3).withRoundTimeout(Duration.ofSeconds(20));
      RunResult result = new Federation(TestClients.strategy(2), server.clients(), config, List.of(sampling)).run(TestClients.initial());
      assertTrue(server.running(), "the run goes on until finish");
      server.finish("done", Duration.ofSeconds(5));
      assertFalse(server.running(), "finished");
      int tasks = 0;
      for (Future<FederationClient.Summary> f : clients) {
        FederationClient.Summary s = f.get(30, TimeUnit.SECONDS);
        tasks += s.fitTasks() + s.evaluateTasks();
      }

      assertEquals(List.of(2, 2), connectedAtRoundStart, "both clients connected at each round's start");
      RoundRecord last = result.history().last();
      // the bytes are the run's own traffic: at least the 8 float32 values of every model sent and received
      assertEquals(last.totalTraffic().uplinkBytes(), metrics.received.get(), "received = the run's uplink");
      assertEquals(last.totalTraffic().downlinkBytes(), metrics.sent.get(), "sent = the run's downlink");
      assertTrue(metrics.received.get() >= 2 * 2 * 8 * 4, "uplink " + metrics.received);
      assertTrue(metrics.sent.get() >= 2 * 2 * 8 * 4, "downlink " + metrics.sent);
      assertEquals(tasks, metrics.uploads.size(), "one upload per fit and evaluation the clients answered");
      assertTrue(metrics.uploads.stream().noneMatch(Duration::isNegative), metrics.uploads.toString());
      assertTrue(metrics.inFlightAtUpload.stream().allMatch(n -> n >= 1), "an upload is in flight until it ends: " + metrics.inFlightAtUpload);
      assertEquals(0, server.uploadsInFlight(), "every upload ended");
      assertEquals(0, server.downloadsInFlight(), "every download ended");

      // refusals, by reason, from the service and from the parse guard, each counted once
      Map<RefusalReason, Integer> before = Map.copyOf(metrics.refused);
      ManagedChannel hostile = net.loopback(server.port());
      RawCalls.Outcome unknown = RawCalls.call(hostile, "Heartbeat",
          List.of(HeartbeatRequest.newBuilder().setSessionId("no-such-session").build().toByteArray()));
      assertEquals(Status.Code.NOT_FOUND, unknown.status().getCode(), unknown.status().toString());
      RawCalls.Outcome garbage = RawCalls.call(hostile, "Register", List.of(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
      assertEquals(Status.Code.INVALID_ARGUMENT, garbage.status().getCode(), garbage.status().toString());
      assertEquals(before.getOrDefault(RefusalReason.UNKNOWN_SESSION, 0) + 1, metrics.refused.get(RefusalReason.UNKNOWN_SESSION));
      assertEquals(before.getOrDefault(RefusalReason.MALFORMED_MESSAGE, 0) + 1, metrics.refused.get(RefusalReason.MALFORMED_MESSAGE));
    }
  }
}
