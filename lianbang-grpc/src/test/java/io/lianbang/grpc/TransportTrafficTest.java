package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.lianbang.core.federation.EncodedSize;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.Traffic;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.ClientSnapshot;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bytes a gRPC server records per round, measured at the transport over loopback. */
class TransportTrafficTest {
  @RegisterExtension final TestChannels channels = new TestChannels();

  @Test
  void bytesOnTheWireAgreeWithTheEncodedSizesPerRoundAndCumulative() throws Exception {
    Parameters initial = Parameters.of(Tensor.zeros(512, 512), Tensor.vector(1, 2, 3)); // 1 MiB of float32
    long model = EncodedSize.float32(initial);
    List<String> ids = List.of("alice", "bob");
    ServerSettings settings = ServerSettings.defaults("run-bytes").withAllowAnonymous(true)
        .withHeartbeatInterval(Duration.ofMillis(500));
    WireBytes clientSide = new WireBytes(true);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Channel channel = ClientInterceptors.intercept(channels.loopback(server.port()), clientSide);
        FederationClient c = new FederationClient(channel, TestClients.pulling(i, 0),
            ClientSettings.defaults(ids.get(i)).withPollWait(Duration.ofSeconds(2)));
        runs.add(channels.submit(c::run));
      }
      FederationConfig config = FederationConfig.of(3, 5).withRoundTimeout(Duration.ofSeconds(60));
      RunResult run = new Federation(TestClients.strategy(ids.size()), server.clients(), config, List.of()).run(initial);
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) assertEquals(3, r.get(30, TimeUnit.SECONDS).fitTasks());

      assertEquals(3, run.history().rounds().size());
      Traffic total = Traffic.NONE;
      for (RoundRecord r : run.history().rounds()) {
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        // each round: both clients download the model to train and to evaluate, and upload a trained model
        assertFramingOnly(2 * model, r.traffic().uplinkBytes(), "round " + r.round() + " uplink");
        assertFramingOnly(4 * model, r.traffic().downlinkBytes(), "round " + r.round() + " downlink");
        total = total.plus(r.traffic());
        assertEquals(total, r.totalTraffic(), "round " + r.round() + " cumulative");
      }
      // what the clients' transports sent and received in those calls
      assertEquals(new Traffic(clientSide.up.get(), clientSide.down.get()), run.history().last().totalTraffic());
    }
  }

  @Test
  void theServersClientSnapshotHasEachClientsBytesAndWhetherItIsStillConnected() throws Exception {
    Parameters initial = Parameters.of(Tensor.zeros(64, 64));
    List<String> ids = List.of("alice", "bob");
    ServerSettings settings = ServerSettings.defaults("run-clients").withAllowAnonymous(true)
        .withHeartbeatInterval(Duration.ofMillis(300));
    List<WireBytes> clientSide = List.of(new WireBytes(true), new WireBytes(true));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      assertEquals(List.of(), server.clientSnapshot());
      Instant started = Instant.now();
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Channel channel = ClientInterceptors.intercept(channels.loopback(server.port()), clientSide.get(i));
        FederationClient c = new FederationClient(channel, TestClients.pulling(i, 0),
            ClientSettings.defaults(ids.get(i)).withPollWait(Duration.ofSeconds(2)));
        runs.add(channels.submit(c::run));
      }
      FederationConfig config = FederationConfig.of(2, 5).withRoundTimeout(Duration.ofSeconds(60));
      new Federation(TestClients.strategy(ids.size()), server.clients(), config, List.of()).run(initial);
      List<ClientSnapshot> during = server.clientSnapshot();
      assertEquals(ids, during.stream().map(ClientSnapshot::id).toList());
      for (ClientSnapshot c : during) {
        assertTrue(c.connected(), c.toString());
        assertFalse(c.lastSeen().isBefore(started.minusSeconds(1)), c + " heard from after " + started);
      }
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) r.get(30, TimeUnit.SECONDS);

      // the clients stopped: silent for three heartbeat intervals, they are dropped, and stay listed
      List<ClientSnapshot> after = server.clientSnapshot();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (after.stream().anyMatch(ClientSnapshot::connected) && System.nanoTime() < end) {
        Thread.sleep(50);
        after = server.clientSnapshot();
      }
      assertEquals(ids, after.stream().map(ClientSnapshot::id).toList());
      for (int i = 0; i < ids.size(); i++) {
        ClientSnapshot c = after.get(i);
        assertFalse(c.connected(), c.toString());
        // what each client's own transport sent and received in its task calls
        assertEquals(clientSide.get(i).up.get(), c.uplinkBytes(), c.toString());
        assertEquals(clientSide.get(i).down.get(), c.downlinkBytes(), c.toString());
        assertTrue(c.uplinkBytes() >= 2 * EncodedSize.float32(initial), c.toString());
      }
      assertEquals(0, server.connectedClients());
    }
  }

  /** Measured bytes differ from the encoded size only by the messages' framing: under 5% for a 1 MiB model. */
  private static void assertFramingOnly(long encoded, long measured, String what) {
    assertTrue(Math.abs(measured - encoded) <= 0.05 * encoded, what + ": measured " + measured + " bytes, encoded " + encoded);
  }
}
