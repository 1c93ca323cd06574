package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Idle TCP connections cannot lock honest clients out: connections beyond the per-address limit
 * are closed at once, connections that never start the protocol are closed after the handshake
 * timeout, and an honest client from another address registers meanwhile.
 */
class ConnectionLimitsTest {
  private static final int PER_ADDRESS = 5;

  /** True if the server closed the socket: a read sees the end of the stream (or a reset) within {@code millis}. */
  private static boolean closedByServer(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    InputStream in = s.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) return true; // the server may first send its HTTP/2 settings
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  @Test
  void idleConnectionsAreBoundedAndClosed() throws Exception {
    ConnectionLimits limits = ConnectionLimits.defaults().withMaxConnections(100, PER_ADDRESS)
        .withHandshakeTimeout(Duration.ofSeconds(2)).withIdleTimeout(Duration.ofSeconds(30));
    List<Socket> idle = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).connectionLimits(limits)
        .settings(ServerSettings.defaults("limits").withAllowAnonymous(true)).start()) {
      InetAddress attacker = InetAddress.getByName("127.0.0.2");
      for (int i = 0; i < 4 * PER_ADDRESS; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(attacker, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        idle.add(s);
      }
      int cutOff = 0;
      for (Socket s : idle.subList(PER_ADDRESS, idle.size())) if (closedByServer(s, 2000)) cutOff++;
      assertEquals(3 * PER_ADDRESS, cutOff, "connections beyond the per-address limit are closed at once");

      ManagedChannel honest = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        RegisterResponse r = FederationGrpc.newBlockingStub(honest).withDeadlineAfter(10, TimeUnit.SECONDS)
            .register(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("honest").build());
        assertEquals("honest", r.getClientId());
      } finally {
        honest.shutdownNow();
      }

      for (Socket s : idle.subList(0, PER_ADDRESS)) {
        assertTrue(closedByServer(s, 15_000), "a connection that never starts the protocol is closed after the handshake timeout");
      }
    } finally {
      for (Socket s : idle) s.close();
    }
  }

  @Test
  void connectionsBeyondTheTotalAreClosedFromAnyAddress() throws Exception {
    ConnectionLimits limits = ConnectionLimits.defaults().withMaxConnections(4, 3).withHandshakeTimeout(Duration.ofSeconds(60));
    List<Socket> sockets = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).connectionLimits(limits)
        .settings(ServerSettings.defaults("total").withAllowAnonymous(true)).start()) {
      for (String from : List.of("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.4")) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        sockets.add(s);
      }
      // the fifth comes from an address with no other connection: only the total refuses it
      assertTrue(closedByServer(sockets.get(4), 5000), "a connection beyond the total is closed at once");
      for (Socket s : sockets.subList(0, 4)) assertTrue(!closedByServer(s, 200), "connections within the limits stay open");
    } finally {
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void aConnectionWithoutACallForTheIdleTimeoutIsClosed() throws Exception {
    ConnectionLimits limits = ConnectionLimits.defaults().withIdleTimeout(Duration.ofSeconds(1));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).connectionLimits(limits)
        .settings(ServerSettings.defaults("idle").withAllowAnonymous(true)).start()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        FederationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .register(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("quiet").build());
        assertEquals(io.grpc.ConnectivityState.READY, channel.getState(false));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (channel.getState(false) == io.grpc.ConnectivityState.READY) { // until the server's GOAWAY closes the connection
          assertTrue(System.nanoTime() < end, "the idle connection is still open after 30 s");
          Thread.sleep(50);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The type of each HTTP/2 frame the server sends on {@code s} within {@code millis}, until a PING (type 6) arrives. */
  private static List<Integer> framesUntilPing(Socket s, int millis) throws IOException {
    List<Integer> types = new ArrayList<>();
    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
    s.setSoTimeout(millis);
    try {
      while (types.size() < 100) {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        in.skipNBytes(5 + length); // flags, stream id, payload
        types.add(type);
        if (type == 6) break;
      }
    } catch (SocketTimeoutException | java.io.EOFException e) {
      // no ping in time, or the server closed the connection
    }
    return types;
  }

  /** A connection silent for the keep-alive time gets a PING (gRPC pings no sooner than every 10 s, whatever the setting). */
  @Test
  void aSilentConnectionIsPinged() throws Exception {
    ConnectionLimits limits = new ConnectionLimits(100, 10, Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(1),
        Duration.ofSeconds(20));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).connectionLimits(limits)
        .settings(ServerSettings.defaults("ping").withAllowAnonymous(true)).start();
        Socket s = new Socket("127.0.0.1", server.port())) {
      // the HTTP/2 connection preface and an empty SETTINGS frame; then silence
      s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      s.getOutputStream().flush();
      List<Integer> types = framesUntilPing(s, 40_000);
      assertTrue(!types.isEmpty() && types.get(types.size() - 1) == 6, "frame types received: " + types + ", no PING");
    }
  }
}
