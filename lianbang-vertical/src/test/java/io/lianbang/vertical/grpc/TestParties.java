package io.lianbang.vertical.grpc;

import io.lianbang.devcerts.DevCertificates;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test parties: real mutual-TLS certificates from the development CA (a server certificate for
 * localhost/127.0.0.1 and one client certificate per party, CN = party name), free loopback
 * ports, fast liveness settings, and a ping-pong protocol to run over any link.
 */
final class TestParties {
  /** Liveness settings of the tests: a ping every 100 ms, lost after 3 misses (window 0.8 s). */
  static final GrpcLinkSettings FAST = GrpcLinkSettings.DEFAULTS.withStartupWindow(Duration.ofSeconds(20))
      .withSendDeadline(Duration.ofSeconds(20)).withLiveness(Duration.ofMillis(100), 3, Duration.ofMillis(500))
      .withCloseDeadline(Duration.ofSeconds(2));

  private TestParties() {}

  /** Writes a CA, a server certificate and client certificates for {@code parties} into {@code dir}. */
  static Path certificates(Path dir, List<String> parties) {
    DevCertificates.generate(dir, List.of("localhost"), parties, Duration.ofDays(1));
    return dir;
  }

  /** The TLS files of {@code party}. */
  static GrpcLinkTls tls(Path certs, String party) {
    return new GrpcLinkTls(certs.resolve("ca.pem"), certs.resolve("client-" + party + ".pem"), certs.resolve("client-" + party + "-key.pem"),
        certs.resolve("server.pem"), certs.resolve("server-key.pem"));
  }

  /** A free loopback port (bound, then released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A link for {@code self} on {@code ports.get(self)} whose peers are the other entries. */
  static GrpcPartyLink start(Path certs, String self, Map<String, Integer> ports, String runId, GrpcLinkSettings settings) {
    GrpcPartyLink.Builder b = GrpcPartyLink.builder().self(self).listen("127.0.0.1:" + ports.get(self)).runId(runId)
        .tls(tls(certs, self)).settings(settings);
    ports.forEach((name, port) -> {
      if (!name.equals(self)) b.peer(name, "127.0.0.1:" + port);
    });
    return b.start();
  }

  /**
   * The ping-pong protocol: {@code rounds} times, the opener sends a counter under
   * {@code pp/i}, the other party answers under the same tag with the counter plus one.
   *
   * @return the counter after the last round (the opener's view); {@code rounds} if all went well
   */
  static long pingPong(PartyLink link, String other, boolean opener, int rounds, Duration timeout) {
    long counter = 0;
    for (int i = 0; i < rounds; i++) {
      String tag = "pp/" + i;
      if (opener) {
        link.send(other, tag, new PayloadWriter().putLong(counter).toByteArray());
        PayloadReader r = new PayloadReader(tag + " from " + other, link.receive(other, tag, timeout));
        long back = r.getLong("counter");
        r.end();
        if (back != counter + 1) throw new LinkException(LinkException.Reason.REFUSED, "counter " + back + ", expected " + (counter + 1));
        counter = back;
      } else {
        PayloadReader r = new PayloadReader(tag + " from " + other, link.receive(other, tag, timeout));
        counter = r.getLong("counter");
        r.end();
        link.send(other, tag, new PayloadWriter().putLong(counter + 1).toByteArray());
        counter++;
      }
    }
    return counter;
  }
}
