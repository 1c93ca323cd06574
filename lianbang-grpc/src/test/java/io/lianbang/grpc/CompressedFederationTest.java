package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.CompressingClientProxy;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.federation.EncodedSize;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compressed federations over gRPC on loopback: the final model equals, bit for bit, the same
 * federation run in one JVM with {@link CompressingClientProxy}, and the bytes on the wire are the
 * encodings'.
 */
class CompressedFederationTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  /** The federation over gRPC on loopback, client {@code i} with {@code settings.get(i)} and counting its bytes in {@code wire[i]}. */
  RunResult remote(List<ClientSettings> settings, WireBytes[] wire, FederationConfig config, Parameters initial) throws Exception {
    ServerSettings server = ServerSettings.defaults("run-compressed").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofMillis(500));
    try (FederationServer s = FederationServer.builder().bind("127.0.0.1", 0).settings(server).start()) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < settings.size(); i++) {
        wire[i] = new WireBytes(false);
        Channel channel = ClientInterceptors.intercept(net.loopback(s.port()), wire[i]);
        FederationClient c = new FederationClient(channel, TestClients.pulling(i, 0), settings.get(i).withPollWait(Duration.ofSeconds(2)));
        runs.add(net.submit(c::run));
      }
      RunResult run = new Federation(TestClients.strategy(settings.size()), s.clients(), config, List.of()).run(initial);
      s.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) assertEquals(config.rounds(), r.get(30, TimeUnit.SECONDS).fitTasks());
      for (RoundRecord r : run.history().rounds()) assertTrue(r.failures().isEmpty(), r.failures().toString());
      return run;
    }
  }

  private static List<ClientSettings> defaults(List<String> ids) {
    return ids.stream().map(ClientSettings::defaults).toList();
  }

  private static boolean[] all(int n) {
    boolean[] b = new boolean[n];
    java.util.Arrays.fill(b, true);
    return b;
  }

  /** Measured bytes differ from the encoded size only by the messages' framing: under 5% here. */
  private static void assertNear(long encoded, long measured, String what) {
    assertTrue(Math.abs(measured - encoded) <= 0.05 * encoded, what + ": measured " + measured + " bytes, encoded " + encoded);
  }

  @Test
  void int8DownFp16UpEqualsTheInProcessRunAndTheWireCarriesTheEncodings() throws Exception {
    Parameters initial = Parameters.of(Tensor.zeros(512, 512), Tensor.vector(1, 2, 3)); // 1 MiB of float32
    Codec down = Codecs.create("int8", Map.of());
    Codec up = Codecs.create("fp16", Map.of());
    FederationConfig config = FederationConfig.builder().rounds(3).seed(5).roundTimeout(Duration.ofSeconds(60))
        .compression(new Compression(up, false, down, false)).build();
    List<String> ids = List.of("alice", "bob", "carol");
    RunResult reference = TestClients.compressing(ids, all(3), config, initial);
    WireBytes[] wire = new WireBytes[3];
    RunResult remote = remote(defaults(ids), wire, config, initial);

    assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
    assertEquals(reference.history().withoutTiming(), remote.history().withoutTiming());
    // each round, each client: the int8 broadcast to train, the float32 model to evaluate, an fp16 update
    long downlink = EncodedSize.encoded(down, initial) + EncodedSize.float32(initial);
    long uplink = EncodedSize.encoded(up, initial);
    for (RoundRecord r : remote.history().rounds()) {
      assertNear(3 * uplink, r.traffic().uplinkBytes(), "round " + r.round() + " uplink");
      assertNear(3 * downlink, r.traffic().downlinkBytes(), "round " + r.round() + " downlink");
    }
    for (int i = 0; i < 3; i++) {
      assertNear(3 * uplink, wire[i].up.get(), ids.get(i) + " sent");
      assertNear(3 * downlink, wire[i].down.get(), ids.get(i) + " received");
    }
  }

  @Test
  void topkInt8WithErrorFeedbackAndDeltaDownlinkEqualsTheInProcessRun() throws Exception {
    Parameters initial = TestClients.model(512, 256);
    Codec up = Codecs.create("topk+int8", Map.of("fraction", 0.05, "block", 256.0));
    Codec down = Codecs.create("int8", Map.of("block", 256.0));
    FederationConfig config = FederationConfig.builder().rounds(4).seed(11).roundTimeout(Duration.ofSeconds(60))
        .compression(new Compression(up, true, down, true)).build();
    List<String> ids = List.of("alice", "bob", "carol");
    RunResult reference = TestClients.compressing(ids, all(3), config, initial);
    WireBytes[] wire = new WireBytes[3];
    RunResult remote = remote(defaults(ids), wire, config, initial);

    assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
    assertEquals(reference.history().withoutTiming(), remote.history().withoutTiming());
    long model = EncodedSize.float32(initial);
    RoundRecord first = remote.history().rounds().get(0);
    assertNear(3 * 2 * model, first.traffic().downlinkBytes(), "round 1 downlink: the model as float32 to train and to evaluate");
    for (RoundRecord r : remote.history().rounds()) {
      assertNear(3 * EncodedSize.encoded(up, initial), r.traffic().uplinkBytes(), "round " + r.round() + " uplink");
      if (r.round() > 1) {
        assertNear(3 * (EncodedSize.encoded(down, initial) + model), r.traffic().downlinkBytes(),
            "round " + r.round() + " downlink: the int8 difference to the held start, and the model to evaluate");
      }
    }
  }

  @Test
  void aFloat32OnlyClientTrainsNextToACompressingOne() throws Exception {
    Parameters initial = TestClients.model(128, 64);
    Codec up = Codecs.create("int8", Map.of());
    Codec down = Codecs.create("fp16", Map.of());
    FederationConfig config = FederationConfig.builder().rounds(3).seed(3).roundTimeout(Duration.ofSeconds(60))
        .compression(new Compression(up, true, down, false)).build();
    List<String> ids = List.of("alice", "bob");
    RunResult reference = TestClients.compressing(ids, new boolean[] {true, false}, config, initial);
    WireBytes[] wire = new WireBytes[2];
    RunResult remote = remote(List.of(ClientSettings.defaults("alice"), ClientSettings.defaults("bob").withCodecs(List.of())),
        wire, config, initial);

    assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());
    assertEquals(reference.history().withoutTiming(), remote.history().withoutTiming());
    long model = EncodedSize.float32(initial);
    assertNear(3 * EncodedSize.encoded(up, initial), wire[0].up.get(), "alice's int8 updates");
    assertNear(3 * (EncodedSize.encoded(down, initial) + model), wire[0].down.get(), "alice's fp16 broadcasts and float32 evaluations");
    assertNear(3 * model, wire[1].up.get(), "bob's float32 trained models");
    assertNear(3 * 2 * model, wire[1].down.get(), "bob's float32 downloads");
  }
}
