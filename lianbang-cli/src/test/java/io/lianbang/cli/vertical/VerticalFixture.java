package io.lianbang.cli.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.Main;
import io.lianbang.devcerts.DevCertificates;
import io.lianbang.grpc.process.JavaProcess;
import io.lianbang.vertical.data.VerticalCsv;
import io.lianbang.vertical.data.VerticalTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The vertical command tests' setting: certificates of a test CA, FATE's breast data with a host
 * file missing some rows, configurations on free loopback ports with short liveness deadlines,
 * and {@code lianbang} processes of their own.
 */
final class VerticalFixture {
  static final Path BREAST_GUEST = Path.of("..", "datasets", "fate-breast", "breast_hetero_guest.csv").toAbsolutePath().normalize();
  static final Path BREAST_HOST = Path.of("..", "datasets", "fate-breast", "breast_hetero_host.csv").toAbsolutePath().normalize();

  private VerticalFixture() {}

  /** A CA and client certificates (CN = party) for {@code parties}, and a server certificate for localhost and 127.0.0.1. */
  static Path certificates(Path dir, List<String> parties) {
    DevCertificates.generate(dir, List.of("localhost"), parties, Duration.ofDays(1));
    return dir;
  }

  /** The breast host's file with the data rows (0-based) that {@code keep} accepts. */
  static Path hostRows(Path dir, java.util.function.IntPredicate keep) throws IOException {
    List<String> lines = Files.readAllLines(BREAST_HOST);
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      if (keep.test(i - 1)) out.add(lines.get(i));
    }
    Path f = dir.resolve("breast-host-part.csv");
    Files.write(f, out);
    return f;
  }

  /** The ids both files hold, ascending (the PSI's agreed order). */
  static List<String> common(Path guest, Path host) throws IOException {
    TreeSet<String> ids = new TreeSet<>(VerticalCsv.read(guest).ids());
    ids.retainAll(new TreeSet<>(VerticalCsv.read(host).ids()));
    return List.copyOf(ids);
  }

  /** The table in {@code file} restricted to {@code ids}, in that order. */
  static VerticalTable read(Path file, List<String> ids) throws IOException {
    return VerticalCsv.read(file).select(ids);
  }

  /** A free loopback port (bound, then released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A configuration file in {@code dir}: {@code parties} (name → "role" or "role:data"), free
   * ports, TLS files from {@code certs}, outputs in {@code dir/out}, liveness within about 5 s,
   * followed by {@code extra} YAML.
   */
  static Path config(Path dir, Path certs, String algorithm, Map<String, String> parties, String extra) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("run_id: test-").append(algorithm).append('\n').append("algorithm: ").append(algorithm).append('\n').append("parties:\n");
    parties.forEach((name, spec) -> {
      String[] rd = spec.split(":", 2);
      y.append("  ").append(name).append(":\n    role: ").append(rd[0]).append("\n    address: \"127.0.0.1:").append(freePort()).append("\"\n");
      if (rd.length > 1) y.append("    data: ").append(rd[1]).append('\n');
    });
    y.append("tls:\n  ca: ").append(certs.resolve("ca.pem")).append("\n  certificate: ").append(certs.resolve("client-{party}.pem"))
        .append("\n  private_key: ").append(certs.resolve("client-{party}-key.pem")).append("\n  server_certificate: ")
        .append(certs.resolve("server.pem")).append("\n  server_key: ").append(certs.resolve("server-key.pem")).append('\n');
    y.append("link: {startup_window_seconds: 60, ping_interval_seconds: 0.5, ping_misses: 6, ping_deadline_seconds: 2}\n");
    y.append("output: {directory: ").append(dir.resolve("out")).append("}\n");
    y.append(extra);
    Path f = dir.resolve(algorithm + ".yaml");
    Files.writeString(f, y.toString());
    return f;
  }

  /** {@code lianbang vertical <args>} in a process of its own, its output logged to {@code log}. */
  static JavaProcess start(Path log, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("vertical"));
    all.addAll(List.of(args));
    return JavaProcess.start(Main.class, all, log, true);
  }

  /** A JSON file. */
  static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  /** The doubles of a JSON array. */
  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
    return out;
  }
}
