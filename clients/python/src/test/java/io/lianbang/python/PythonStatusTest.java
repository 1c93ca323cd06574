package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client stops, with a message naming the status and reason, on the refusals that
 * retrying cannot fix: a model layout other than the server's, a second registration with its
 * identity, and (under mutual TLS) no client certificate. Each client would otherwise retry for
 * its give_up_after of 300 s, far beyond the bounded waits here.
 */
class PythonStatusTest {
  @TempDir Path dir;

  private static FederationServer plaintextServer() {
    FederationServer server = FederationServer.builder().bind("127.0.0.1", 0)
        .settings(ServerSettings.defaults("python-status").withAllowAnonymous(true)).start();
    server.expectLayout(TestClients.initial());
    return server;
  }

  @Test
  void wrongModelLayoutStopsAtRegistration() throws Exception {
    try (FederationServer server = plaintextServer()) {
      Python.Result r = Python.run(List.of("tests/seeded_client.py", "--server", "127.0.0.1:" + server.port(), "--name", "wrong",
          "--insecure", "--layout", "3x3"), java.util.Map.of(), 60);
      assertEquals(3, r.exitCode(), r.output());
      assertTrue(r.output().contains("STOPPED FAILED_PRECONDITION LAYOUT_MISMATCH"), r.output());
      assertTrue(r.output().contains("[[3, 3]]") && r.output().contains("[[2, 3], [2]]"), "names both layouts:\n" + r.output());
    }
  }

  @Test
  void secondRegistrationWithTheSameIdentityStopsTheFirst() throws Exception {
    try (FederationServer server = plaintextServer();
         PythonClientProcess python = PythonClientProcess.start(List.of("--server", "127.0.0.1:" + server.port(), "--name", "twin",
             "--insecure"))) {
      assertTrue(server.clients().awaitAvailable(1, Instant.now().plusSeconds(60)), "the Python client registered");
      // The replacement ends a parked poll with SESSION_REPLACED. A poll that reaches the server just
      // after it finds no session and registers again, as the protocol says, so the twin waits for
      // the poll to park (it follows registration within milliseconds) and tries again if the
      // Python client registered again anyway: at most 3 times.
      for (int attempt = 1; attempt <= 3; attempt++) {
        Thread.sleep(1000);
        int registeredAgain = count(python.output(), "registering again");
        ManagedChannel channel = ClientChannels.open("127.0.0.1:" + server.port(), null, null, true);
        try {
          TestChannels.register(channel, "twin");
        } finally {
          channel.shutdownNow();
        }
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline) && !python.output().contains("STOPPED")
            && count(python.output(), "registering again") == registeredAgain) {
          Thread.sleep(100);
        }
        if (python.output().contains("STOPPED")) break;
      }
      int exit = python.waitFor(Duration.ofSeconds(60));
      assertEquals(3, exit, python.output());
      assertTrue(python.output().contains("STOPPED ABORTED SESSION_REPLACED"), python.output());
    }
  }

  @Test
  void noClientCertificateUnderMutualTlsStopsAtOnce() throws Exception {
    TestCertificates.generate(dir, List.of("alice"));
    ServerTls tls = new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem"));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).tls(tls)
        .settings(ServerSettings.defaults("python-mtls")).start()) {
      Python.Result r = Python.run(List.of("tests/seeded_client.py", "--server", "127.0.0.1:" + server.port(), "--name", "alice",
          "--ca", dir.resolve("ca.pem").toString()), java.util.Map.of(), 60);
      assertEquals(3, r.exitCode(), r.output());
      assertTrue(r.output().contains("STOPPED UNAVAILABLE") && r.output().contains("TLS handshake"), r.output());
      assertTrue(!r.output().contains("retrying in"), "no retry loop:\n" + r.output());
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) n++;
    return n;
  }
}
