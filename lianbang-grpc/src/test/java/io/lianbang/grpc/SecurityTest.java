package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.client.FederationClientException;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real sockets on loopback: mutual TLS, tokens, the allow-list, and refusals with clear statuses. */
class SecurityTest {
  @TempDir static Path certs;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void generateOnce() {
    if (!certs.resolve("ca.pem").toFile().exists()) {
      TestCertificates.generate(certs, List.of("alice", "bob", "mallory"));
    }
  }

  @AfterEach
  void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    threads.shutdownNow();
  }

  private ServerTls mutualTls() {
    return new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), certs.resolve("ca.pem"));
  }

  private ClientTls clientTls(String name) {
    return new ClientTls(certs.resolve("ca.pem"), certs.resolve("client-" + name + ".pem"), certs.resolve("client-" + name + "-key.pem"));
  }

  private ManagedChannel channel(FederationServer server, ClientTls tls, String token, boolean insecure) {
    ManagedChannel c = ClientChannels.open("localhost:" + server.port(), tls, token, insecure);
    channels.add(c);
    return c;
  }

  private static RegisterResponse register(ManagedChannel channel, String name) {
    return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .register(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName(name).build());
  }

  @Test
  void mutualTlsRunWithAllowListMatchesTheInJvmRun() throws Exception {
    FederationConfig config = FederationConfig.of(2, 3).withRoundTimeout(Duration.ofSeconds(20));
    RunResult reference = TestClients.reference(List.of("alice", "bob"), config);
    ServerSettings settings = ServerSettings.defaults("tls-run").withAllowedClients(Set.of("alice", "bob"));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(mutualTls()).settings(settings).start()) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      List<String> names = List.of("alice", "bob");
      for (int i = 0; i < 2; i++) {
        // The name the client claims is ignored: its certificate says who it is.
        FederationClient c = new FederationClient(channel(server, clientTls(names.get(i)), null, false),
            TestClients.pulling(i, 0), ClientSettings.defaults("claims-to-be-someone-else"));
        runs.add(threads.submit(c::run));
      }
      RunResult remote = new Federation(TestClients.strategy(2), server.clients(), config, List.of()).run(TestClients.initial());
      assertEquals(List.of("alice", "bob"), server.clients().available());
      server.finish("done", Duration.ofSeconds(5));
      for (Future<FederationClient.Summary> r : runs) assertEquals(2, r.get(10, TimeUnit.SECONDS).fitTasks());
      assertArrayEquals(reference.parameters().flatten(), remote.parameters().flatten());

      // A valid certificate whose identity is not allowed: PERMISSION_DENIED, naming the identity.
      FederationClient mallory = new FederationClient(channel(server, clientTls("mallory"), null, false),
          TestClients.pulling(0, 0), ClientSettings.defaults("alice"));
      FederationClientException e = assertThrows(FederationClientException.class, mallory::run);
      assertTrue(e.getMessage().contains("PERMISSION_DENIED") && e.getMessage().contains("'mallory' is not in the server's allow-list"), e.getMessage());

      // No client certificate: the TLS handshake itself is refused.
      StatusRuntimeException noCert = assertThrows(StatusRuntimeException.class,
          () -> register(channel(server, new ClientTls(certs.resolve("ca.pem"), null, null), null, false), "alice"));
      assertEquals(Status.Code.UNAVAILABLE, noCert.getStatus().getCode());
      // Plaintext to a TLS server fails too.
      assertThrows(StatusRuntimeException.class, () -> register(channel(server, null, null, true), "alice"));
    }
  }

  @Test
  void bearerTokensOverTls() {
    String aliceToken = "alice-0123456789abcdef";
    ServerSettings settings = ServerSettings.defaults("token-run").withTokens(Map.of(aliceToken, "alice"));
    ServerTls tls = new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), null);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls).settings(settings).start()) {
      ClientTls serverOnly = new ClientTls(certs.resolve("ca.pem"), null, null);
      assertEquals("alice", register(channel(server, serverOnly, aliceToken, false), "bob").getClientId());

      StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
          () -> register(channel(server, serverOnly, "not-the-token-at-all", false), "alice"));
      assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
      assertTrue(wrong.getStatus().getDescription().contains("bearer token is not known"));

      StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> register(channel(server, serverOnly, null, false), "alice"));
      assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
      assertTrue(none.getStatus().getDescription().contains("requires client authentication"));
    }
  }

  @Test
  void plaintextNeedsLoopbackOrAnExplicitChoice() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FederationServer.builder().bind("0.0.0.0", 0).start());
    assertTrue(e.getMessage().contains("not loopback"), e.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> ClientChannels.open("localhost:1", null, null, false));
    assertTrue(c.getMessage().contains("insecure"), c.getMessage());
  }

  @Test
  void anonymousClientsCannotShareTheNamespaceOfAuthenticatedOnes() {
    // Otherwise a caller without credentials could register under a token holder's name and take over its session.
    Map<String, String> tokens = Map.of("alice-0123456789abcdef", "alice");
    for (Supplier<ServerSettings> mixed : List.<Supplier<ServerSettings>>of(
        () -> ServerSettings.defaults("mixed").withTokens(tokens).withAllowAnonymous(true),
        () -> ServerSettings.defaults("mixed").withAllowAnonymous(true).withTokens(tokens))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, mixed::get);
      assertTrue(e.getMessage().contains("allowAnonymous cannot be combined with tokens") && e.getMessage().contains("take over"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationServer.builder().bind("127.0.0.1", 0)
        .tls(mutualTls()).settings(ServerSettings.defaults("mixed").withAllowAnonymous(true)).start().close());
    assertTrue(e.getMessage().contains("allowAnonymous cannot be combined with mutual TLS") && e.getMessage().contains("take over"), e.getMessage());
  }

  @Test
  void aCertificateWithTwoCommonNamesIsRefused() throws Exception {
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(mutualTls())
        .settings(ServerSettings.defaults("two-cn")).start()) {
      for (String subject : List.of("CN=alice,CN=mallory", "CN=mallory+CN=alice")) {
        ClientTls tls = clientCertificate(subject, subject.contains("+") ? "multi" : "two");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> register(channel(server, tls, null, false), "alice"), subject);
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), subject);
        assertTrue(e.getStatus().getDescription().contains("2 common names (CN)"), e.getStatus().getDescription());
      }
      assertEquals("alice", register(channel(server, clientTls("alice"), null, false), "x").getClientId(), "one CN is the identity");
    }
  }

  @Test
  void aPrivateKeyThatDoesNotMatchItsCertificateIsRefusedWhenLoaded() {
    Path cert = certs.resolve("server.pem");
    Path otherKey = certs.resolve("client-bob-key.pem");
    UncheckedIOException server = assertThrows(UncheckedIOException.class, () -> FederationServer.builder().bind("127.0.0.1", 0)
        .tls(new ServerTls(cert, otherKey, certs.resolve("ca.pem"))).start().close());
    assertTrue(server.getMessage().contains("private key " + otherKey + " does not match the certificate " + cert), server.getMessage());

    Path aliceCert = certs.resolve("client-alice.pem");
    UncheckedIOException client = assertThrows(UncheckedIOException.class,
        () -> new ClientTls(certs.resolve("ca.pem"), aliceCert, otherKey).credentials());
    assertTrue(client.getMessage().contains("private key " + otherKey + " does not match the certificate " + aliceCert), client.getMessage());
  }

  /** A client certificate for {@code subject}, signed by the development CA, written as {@code NAME.pem} and {@code NAME-key.pem}. */
  private ClientTls clientCertificate(String subject, String name) {
    TestCertificates.signClient(certs, subject, name);
    return new ClientTls(certs.resolve("ca.pem"), certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"));
  }
}
