package io.lianbang.vertical.grpc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One party in its own process, for the crash tests: {@code self port peer peerPort runId certs
 * rounds} starts a link, prints {@code READY}, answers {@code rounds} ping-pong rounds, prints
 * {@code DONE} and exits 0; on a link failure it prints {@code FAILED} and the message and exits 2.
 */
public final class PartyMain {
  private PartyMain() {}

  public static void main(String[] args) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put(args[0], Integer.parseInt(args[1]));
    ports.put(args[2], Integer.parseInt(args[3]));
    try (GrpcPartyLink link = TestParties.start(Path.of(args[5]), args[0], ports, args[4], TestParties.FAST)) {
      System.out.println("READY " + link.incarnation());
      System.out.flush();
      TestParties.pingPong(link, args[2], false, Integer.parseInt(args[6]), Duration.ofSeconds(30));
      System.out.println("DONE");
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e);
      System.exit(2);
    }
  }
}
