package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.federation.EncodedSize;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.ClientSnapshot;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python client in a compressing federation under mutual TLS (3 rounds) of a Java client
 * "alice" and a client "bob": with a Python bob the aggregate after every round and the final
 * model equal, bit for bit, those of the same federation with a Java bob (the Python client
 * decodes the downloads and its encoders write Java's bytes, error feedback included), and the
 * bytes the server counts for each client agree with the encoded sizes within 5%. A Python client
 * declaring no codecs joins the compressing federation unchanged: float32 both ways.
 */
class PythonCompressionTest {
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  /** What one federation produced: the run, alice's evaluated models by round, bytes by client, bob's output. */
  private record Outcome(RunResult result, Map<Integer, float[]> aggregates, Map<String, ClientSnapshot> traffic, String output) {}

  @BeforeEach
  void certificates() throws Exception {
    TestCertificates.generate(dir, List.of("alice", "bob"));
  }

  @Test
  void int8UpdatesWithErrorFeedbackAndFp16DownloadsEqualTheJavaRun() throws Exception {
    Parameters initial = TestClients.model(256, 256);
    Codec up = Codecs.create("int8", Map.of());
    Codec down = Codecs.create("fp16", Map.of());
    FederationConfig config = config(7, new Compression(up, true, down, false));
    Outcome mixed = federate(config, initial, true, null);
    Outcome java = federate(config, initial, false, null);
    assertSame(java, mixed);
    long model = EncodedSize.float32(initial);
    for (String c : List.of("alice", "bob")) {
      assertNear(ROUNDS * EncodedSize.encoded(up, initial), mixed.traffic().get(c).uplinkBytes(), c + "'s int8 updates");
      assertNear(ROUNDS * (EncodedSize.encoded(down, initial) + model), mixed.traffic().get(c).downlinkBytes(),
          c + "'s fp16 downloads to train and float32 downloads to evaluate");
    }
  }

  @Test
  void topkInt8UpdatesWithErrorFeedbackAndInt8DeltaDownloadsEqualTheJavaRun() throws Exception {
    Parameters initial = TestClients.model(512, 256);
    Codec up = Codecs.create("topk+int8", Map.of("fraction", 0.05, "block", 256.0));
    Codec down = Codecs.create("int8", Map.of("block", 256.0));
    FederationConfig config = config(11, new Compression(up, true, down, true));
    Outcome mixed = federate(config, initial, true, null);
    Outcome java = federate(config, initial, false, null);
    assertSame(java, mixed);
    long model = EncodedSize.float32(initial);
    for (String c : List.of("alice", "bob")) {
      assertNear(ROUNDS * EncodedSize.encoded(up, initial), mixed.traffic().get(c).uplinkBytes(), c + "'s topk+int8 updates");
      // round 1: the model as float32 to train; later rounds the int8 difference to the held start; float32 to evaluate
      assertNear(model + (ROUNDS - 1) * EncodedSize.encoded(down, initial) + ROUNDS * model, mixed.traffic().get(c).downlinkBytes(),
          c + "'s downloads");
    }
  }

  @Test
  void aPythonClientWithoutCodecsJoinsACompressingFederationUnchanged() throws Exception {
    Parameters initial = TestClients.model(128, 64);
    Codec up = Codecs.create("topk+int8", Map.of("fraction", 0.05));
    Codec down = Codecs.create("int8", Map.of());
    FederationConfig config = config(3, new Compression(up, true, down, true));
    Outcome mixed = federate(config, initial, true, "none");
    assertTrue(mixed.output().contains("FINISH the run is complete fits=" + ROUNDS + " evaluations=" + ROUNDS), mixed.output());
    long model = EncodedSize.float32(initial);
    assertNear(ROUNDS * model, mixed.traffic().get("bob").uplinkBytes(), "bob's float32 trained models");
    assertNear(ROUNDS * 2 * model, mixed.traffic().get("bob").downlinkBytes(), "bob's float32 downloads");
  }

  private static FederationConfig config(long seed, Compression compression) {
    return FederationConfig.builder().rounds(ROUNDS).seed(seed).roundTimeout(Duration.ofSeconds(90)).compression(compression).build();
  }

  private static void assertSame(Outcome java, Outcome mixed) {
    assertTrue(mixed.output().contains("FINISH the run is complete fits=" + ROUNDS + " evaluations=" + ROUNDS), mixed.output());
    SameRun.assertSameRun(ROUNDS, java.result(), java.aggregates(), mixed.result(), mixed.aggregates());
  }

  /** Measured bytes differ from the encoded size only by the messages' framing: under 5% here. */
  private static void assertNear(long encoded, long measured, String what) {
    assertTrue(Math.abs(measured - encoded) <= 0.05 * encoded, what + ": measured " + measured + " bytes, encoded " + encoded);
  }

  /** The federation of Java alice and bob (Python if {@code python}, declaring {@code pythonCodecs} if not null). */
  private Outcome federate(FederationConfig config, Parameters initial, boolean python, String pythonCodecs) throws Exception {
    ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"));
    PythonClientProcess bob = null;
    try (JavaClients javaClients = new JavaClients(dir);
         FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
             .settings(ServerSettings.defaults("compression-interop")).start()) {
      server.expectLayout(initial);
      SeededClient alice = new SeededClient(7);
      javaClient(javaClients, server.port(), "alice", alice);
      if (python) {
        List<String> codecs = pythonCodecs == null ? List.of() : List.of("--codecs", pythonCodecs);
        bob = PythonClientProcess.seeded(dir, server.port(), "bob", 13, codecs);
      } else {
        javaClient(javaClients, server.port(), "bob", new SeededClient(13));
      }
      assertTrue(server.clients().awaitAvailable(2, Instant.now().plusSeconds(60)), "both clients registered");
      RunResult result = new Federation(TestClients.strategy(2), server.clients(), config, List.of()).run(initial);
      Map<String, ClientSnapshot> traffic = new HashMap<>();
      for (ClientSnapshot s : server.clientSnapshot()) traffic.put(s.id(), s);
      server.finish("the run is complete", Duration.ofSeconds(5));
      javaClients.assertFitTasks(ROUNDS);
      String output = bob == null ? "" : bob.awaitExit(0, Duration.ofSeconds(60));
      return new Outcome(result, alice.evaluated, traffic, output);
    } finally {
      if (bob != null) bob.close();
    }
  }

  /** A Java client declaring every codec (the default). */
  private static void javaClient(JavaClients clients, int port, String name, SeededClient client) {
    ClientSettings settings = ClientSettings.defaults(name).withGiveUpAfter(Duration.ofSeconds(60));
    clients.start(new FederationClient(clients.channel(port, name), client, settings), true);
  }
}
