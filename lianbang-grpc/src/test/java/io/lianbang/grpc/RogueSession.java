package io.lianbang.grpc;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An in-process server with anonymous registration and one client session named {@code rogue}
 * that a test drives by hand through raw calls; closing it shuts the channel and the server.
 */
public final class RogueSession implements AutoCloseable {
  /** The server the rogue client is registered with. */
  public final FederationServer server;
  /** A blocking stub on the rogue client's channel. */
  public final FederationGrpc.FederationBlockingStub stub;
  /** The rogue client's registration. */
  public final RegisterResponse session;
  private final ManagedChannel channel;

  private RogueSession(FederationServer server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
    this.stub = FederationGrpc.newBlockingStub(channel);
    this.session = stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
        .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("rogue").build());
  }

  /** Starts a server named {@code serverName} and registers the rogue client with it. */
  public static RogueSession start(String serverName) {
    String name = InProcessServerBuilder.generateName();
    FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name),
        ServerSettings.defaults(serverName).withAllowAnonymous(true).withHeartbeatInterval(Duration.ofSeconds(5)));
    return new RogueSession(server, InProcessChannelBuilder.forName(name).build());
  }

  /** Polls the rogue client's next task (waiting up to 2 s on the server, 5 s in all). */
  public Task nextTask() {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS).getTask(GetTaskRequest.newBuilder()
        .setSessionId(session.getSessionId()).setMaxWaitMs(2000).build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
