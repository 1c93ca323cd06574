package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.tls.ClientTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * In-process Java clients of a federation under mutual TLS, authenticated with the certificates
 * {@code TestCertificates} wrote to a folder, each running in a thread of its own. Closing shuts
 * their channels down and stops their threads.
 */
final class JavaClients implements AutoCloseable {
  private final Path certificates;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Future<FederationClient.Summary>> awaited = new ArrayList<>();

  /** Clients using {@code ca.pem} and {@code client-NAME.pem}/{@code client-NAME-key.pem} in {@code certificates}. */
  JavaClients(Path certificates) {
    this.certificates = certificates;
  }

  /** A mutual-TLS channel to the server at {@code localhost:port}, authenticated as {@code name}. */
  ManagedChannel channel(int port, String name) {
    ManagedChannel channel = ClientChannels.open("localhost:" + port, new ClientTls(certificates.resolve("ca.pem"),
        certificates.resolve("client-" + name + ".pem"), certificates.resolve("client-" + name + "-key.pem")), null, false);
    channels.add(channel);
    return channel;
  }

  /** Runs {@code client} in a thread of its own; if {@code awaited}, {@link #assertFitTasks} waits for it. */
  void start(FederationClient client, boolean awaited) {
    Future<FederationClient.Summary> run = threads.submit(client::run);
    if (awaited) this.awaited.add(run);
  }

  /** Waits (60 s each) for the awaited clients to end and checks each ran {@code fitTasks} fit tasks. */
  void assertFitTasks(int fitTasks) throws Exception {
    for (Future<FederationClient.Summary> c : awaited) assertEquals(fitTasks, c.get(60, TimeUnit.SECONDS).fitTasks());
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    threads.shutdownNow();
  }
}
