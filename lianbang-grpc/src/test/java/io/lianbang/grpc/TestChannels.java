package io.lianbang.grpc;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The channels and threads a test opens, shut down after each test: a field of the test class
 * annotated {@code @RegisterExtension}.
 */
public final class TestChannels implements AfterEachCallback {
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  /** A channel to the in-process server {@code name}. */
  public ManagedChannel inProcess(String name) {
    return keep(InProcessChannelBuilder.forName(name).build());
  }

  /** A plaintext client channel ({@link ClientChannels#open}) to a server on loopback {@code port}. */
  public ManagedChannel loopback(int port) {
    return keep(ClientChannels.open("127.0.0.1:" + port, null, null, true));
  }

  /** Shuts {@code channel} down after the test; returns it. */
  public ManagedChannel keep(ManagedChannel channel) {
    channels.add(channel);
    return channel;
  }

  /** Runs {@code task} on a thread that is interrupted after the test. */
  public <T> Future<T> submit(Callable<T> task) {
    return threads.submit(task);
  }

  /** Registers {@code clientName} with protocol version 1 on a plain stub, within 5 seconds. */
  public static RegisterResponse register(Channel channel, String clientName) {
    return FederationGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
        .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName(clientName).build());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    channels.forEach(ManagedChannel::shutdownNow);
    threads.shutdownNow();
  }
}
