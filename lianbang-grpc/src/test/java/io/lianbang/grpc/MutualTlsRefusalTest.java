package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.client.FederationClientException;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server under mutual TLS refuses a client without a certificate in the TLS handshake (alert
 * certificate_required); the Java client must stop at once with a clear message instead of
 * retrying the "unavailable" server until it gives up.
 */
class MutualTlsRefusalTest {
  @TempDir Path dir;
  @RegisterExtension final TestChannels net = new TestChannels();

  @Test
  void clientWithoutACertificateStopsAtOnce() throws Exception {
    TestCertificates.generate(dir, List.of("alice"));
    ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
        .settings(ServerSettings.defaults("mtls-refusal")).start()) {
      ManagedChannel channel = net.keep(ClientChannels.open("localhost:" + server.port(), new ClientTls(dir.resolve("ca.pem"), null, null),
          null, false));
      // It would retry for five minutes (its giveUpAfter) if it took the refusal for an unreachable server.
      FederationClient client = new FederationClient(channel, TestClients.pulling(0, 0), ClientSettings.defaults("alice")
          .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
      Future<FederationClient.Summary> run = net.submit(client::run);
      ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
      FederationClientException refusal = assertInstanceOf(FederationClientException.class, e.getCause());
      assertTrue(refusal.getMessage().contains("TLS handshake") && refusal.getMessage().contains("CERTIFICATE_REQUIRED"),
          refusal.getMessage());
    }
  }

  /** A client that cannot verify the server's certificate (another CA signed it) stops at once too. */
  @Test
  void aServerCertificateTheClientCannotVerifyStopsItAtOnce() throws Exception {
    Path server = dir.resolve("server-ca");
    Path other = dir.resolve("other-ca");
    TestCertificates.generate(server, List.of("alice"));
    TestCertificates.generate(other, List.of("alice"));
    ServerTls tls = new ServerTls(server.resolve("server.pem"), server.resolve("server-key.pem"), null);
    try (FederationServer s = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
        .settings(ServerSettings.defaults("unverifiable").withTokens(java.util.Map.of("alice-token-0123456789", "alice"))).start()) {
      ManagedChannel channel = net.keep(ClientChannels.open("localhost:" + s.port(), new ClientTls(other.resolve("ca.pem"), null, null),
          "alice-token-0123456789", false));
      FederationClient client = new FederationClient(channel, TestClients.pulling(0, 0), ClientSettings.defaults("alice")
          .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
      Future<FederationClient.Summary> run = net.submit(client::run);
      ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
      FederationClientException refusal = assertInstanceOf(FederationClientException.class, e.getCause());
      assertTrue(refusal.getMessage().contains("TLS handshake"), refusal.getMessage());
    }
  }

  /**
   * A client certificate another CA signed fails the handshake too, but the server answers it with
   * the alert internal_error, which the client cannot tell from a server fault: it retries until it
   * gives up (the documented limitation).
   */
  @Test
  void aClientCertificateOfAnotherCaIsRetriedUntilTheClientGivesUp() throws Exception {
    Path server = dir.resolve("server-ca");
    Path other = dir.resolve("other-ca");
    TestCertificates.generate(server, List.of("alice"));
    TestCertificates.generate(other, List.of("alice"));
    ServerTls tls = new ServerTls(server.resolve("server.pem"), server.resolve("server-key.pem"), server.resolve("ca.pem"));
    try (FederationServer s = FederationServer.builder().bind("127.0.0.1", 0).tls(tls).settings(ServerSettings.defaults("other-ca")).start()) {
      ManagedChannel channel = net.keep(ClientChannels.open("localhost:" + s.port(),
          new ClientTls(server.resolve("ca.pem"), other.resolve("client-alice.pem"), other.resolve("client-alice-key.pem")), null, false));
      FederationClient client = new FederationClient(channel, TestClients.pulling(0, 0), ClientSettings.defaults("alice")
          .withGiveUpAfter(Duration.ofSeconds(2)).withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
      Future<FederationClient.Summary> run = net.submit(client::run);
      ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
      FederationClientException gaveUp = assertInstanceOf(FederationClientException.class, e.getCause());
      assertTrue(gaveUp.getMessage().contains("stayed unreachable") && gaveUp.getMessage().contains("UNAVAILABLE"), gaveUp.getMessage());
      assertTrue(s.clients().available().isEmpty(), "nothing registered");
    }
  }
}
