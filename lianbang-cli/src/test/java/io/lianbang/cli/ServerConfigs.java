package io.lianbang.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Configuration files for a {@code lianbang server} on loopback, as the federation tests write them. */
final class ServerConfigs {
  private ServerConfigs() {}

  /** A TCP port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Writes {@code dir/name.yaml}: a {@code rounds}-round logistic:30 server on 127.0.0.1:{@code port}
   * with a 60 s wait for clients, 1 s heartbeats, one SGD epoch a round and its output in
   * {@code output}, followed by {@code lines}.
   */
  static Path write(Path dir, String name, int port, int rounds, Path output, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("name: " + name, "rounds: " + rounds, "model: logistic:30", "listen: 127.0.0.1:" + port,
        "wait_for_clients_seconds: 60", "heartbeat_seconds: 1", "output: " + output,
        "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.1, momentum: 0, weight_decay: 0}"));
    all.addAll(List.of(lines));
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, String.join("\n", all) + "\n");
    return config;
  }
}
