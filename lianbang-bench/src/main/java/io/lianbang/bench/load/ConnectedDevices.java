package io.lianbang.bench.load;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.server.ConnectionLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Thousands of connected devices against one real server: starts {@link LoadServer} in its own
 * JVM, connects a {@link DeviceFleet} of token-authenticated devices to it over loopback, measures
 * the idle traffic (calls per device per minute, by method, and the server's socket bytes per device
 * per minute) and the server's idle CPU, then runs FedAvg rounds in which every device takes part,
 * and prints per round the wall time and the server's CPU time, then the failures and the server's
 * peak resident set. Run through {@code bench/load.sh}; a benchmark, not a test.
 *
 * <pre>
 * ConnectedDevices [--devices 2000] [--channels 2000] [--rounds 3] [--model-values 300]
 *     [--idle-seconds 60] [--heartbeat-seconds 5] [--max-concurrent-uploads 2] [--server-heap 1g] [--seed 15]
 * </pre>
 */
public final class ConnectedDevices {
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(11);
  private static final Duration ROUND_DEADLINE = Duration.ofMinutes(11);
  private static final Duration SETTLE = Duration.ofSeconds(5);

  private ConnectedDevices() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>(Map.of("devices", "2000", "channels", "2000", "rounds", "3", "model-values", "300",
        "idle-seconds", "60", "heartbeat-seconds", "5", "max-concurrent-uploads", "2", "server-heap", "1g", "seed", "15"));
    for (int i = 0; i < args.length; i++) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (key == null || !o.containsKey(key) || i + 1 >= args.length) fail("unknown option or missing value: '" + args[i] + "'");
      o.put(key, args[++i]);
    }
    int devices = positive(o, "devices");
    int channels = positive(o, "channels");
    int rounds = positive(o, "rounds");
    int values = positive(o, "model-values");
    int idle = positive(o, "idle-seconds");
    int uploads = positive(o, "max-concurrent-uploads");
    long seed = Long.parseLong(o.get("seed"));
    double heartbeat = Double.parseDouble(o.get("heartbeat-seconds"));
    if (channels > devices) fail("--channels must be at most --devices (" + devices + "), got " + channels);
    if (values < 2) fail("--model-values must be >= 2, got " + values);
    if (!o.get("server-heap").matches("[1-9][0-9]*[mMgG]")) fail("--server-heap must be like 512m or 2g, got " + o.get("server-heap"));
    // Every device dials from 127.0.0.1: beyond the default 32 connections per address, the server's
    // documented connection limits are raised to fit, with room for connections being replaced.
    ConnectionLimits defaults = ConnectionLimits.defaults();
    int perAddress = channels <= defaults.maxConnectionsPerAddress() ? defaults.maxConnectionsPerAddress() : channels + 64;
    int maxConnections = Math.max(defaults.maxConnections(), perAddress);

    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + o.get("server-heap"), "-cp", System.getProperty("java.class.path"),
        LoadServer.class.getName(), "" + devices, "" + rounds, "" + values, "" + seed, o.get("heartbeat-seconds"),
        "" + maxConnections, "" + perAddress, "" + uploads));
    StallMonitor stalls = StallMonitor.start("stall-monitor");
    Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long pid = server.pid();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (IOException e) {
        // the server exited
      } finally {
        lines.add("EXITED");
      }
    }, "server-output");
    reader.setDaemon(true);
    reader.start();
    Writer toServer = new OutputStreamWriter(server.getOutputStream(), StandardCharsets.UTF_8);

    System.out.printf(Locale.ROOT, "Connected devices: %d devices over %d connections, %d rounds of FedAvg, model linear (%d values), "
        + "heartbeat %s s, max_concurrent_uploads %d, max_connections %d (%d per address), server -Xmx%s, %d cores%n",
        devices, channels, rounds, values, o.get("heartbeat-seconds"), uploads, maxConnections, perAddress, o.get("server-heap"),
        Runtime.getRuntime().availableProcessors());
    try {
      int port = Integer.parseInt(expect(lines, "READY", START_DEADLINE).split(" ")[1]);
      Parameters layout = Models.create(LoadServer.model(values), seed).parameters();
      long connectStart = System.nanoTime();
      try (DeviceFleet fleet = DeviceFleet.start("127.0.0.1:" + port, devices, channels, seed, layout, Duration.ofMinutes(5))) {
        expect(lines, "CONNECTED", CONNECT_DEADLINE);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        Thread.sleep(SETTLE.toMillis());

        Map<String, Long> callsBefore = fleet.calls();
        long bytesBefore = ProcStatus.ioBytes(pid);
        long cpuBefore = cpuNanos(server);
        long idleStart = System.nanoTime();
        Thread.sleep(idle * 1000L);
        double idleMinutes = (System.nanoTime() - idleStart) / 60e9;
        Map<String, Long> callsAfter = fleet.calls();
        long bytesAfter = ProcStatus.ioBytes(pid);
        long cpuAfter = cpuNanos(server);

        toServer.write("go\n");
        toServer.flush();
        List<double[]> perRound = new ArrayList<>();
        int serverFailures = 0;
        for (int r = 0; r < rounds; r++) {
          String[] f = expect(lines, "ROUND", ROUND_DEADLINE).split(" ");
          // ROUND r sampled s succeeded k failures f seconds x cpu_seconds y
          perRound.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[3]), Double.parseDouble(f[5]), Double.parseDouble(f[7]),
              Double.parseDouble(f[9]), Double.parseDouble(f[11])});
          serverFailures += Integer.parseInt(f[7]);
        }
        String[] done = expect(lines, "DONE", Duration.ofMinutes(2)).split(" ");
        boolean allEnded = fleet.await(Duration.ofSeconds(60));

        System.out.println();
        System.out.println("Idle (all devices registered, no round), over " + idle + " s:");
        System.out.println();
        System.out.println("| method | calls per device per minute |");
        System.out.println("|---|---:|");
        Map<String, Long> idleCalls = new TreeMap<>();
        callsAfter.forEach((k, v) -> idleCalls.put(k, v - callsBefore.getOrDefault(k, 0L)));
        long totalCalls = 0;
        for (var e : idleCalls.entrySet()) {
          if (e.getValue() == 0) continue;
          totalCalls += e.getValue();
          System.out.printf(Locale.ROOT, "| %s | %.2f |%n", e.getKey(), e.getValue() / (double) devices / idleMinutes);
        }
        System.out.printf(Locale.ROOT, "| all | %.2f |%n", totalCalls / (double) devices / idleMinutes);
        System.out.printf(Locale.ROOT, "server socket+pipe bytes (rchar+wchar) per device per minute: %.0f; server CPU while idle: %.1f%% of one core%n",
            (bytesAfter - bytesBefore) / (double) devices / idleMinutes, (cpuAfter - cpuBefore) / 1e9 / (idleMinutes * 60) * 100);
        System.out.println();
        System.out.println("| round | sampled | succeeded | failures | wall s | server CPU s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (double[] r : perRound) {
          System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.2f | %.2f |%n", (int) r[0], (int) r[1], (int) r[2], (int) r[3], r[4], r[5]);
        }
        System.out.println();
        double[] wall = perRound.stream().mapToDouble(r -> r[4]).sorted().toArray();
        double[] cpu = perRound.stream().mapToDouble(r -> r[5]).sorted().toArray();
        System.out.printf(Locale.ROOT, "| devices | connections | connect all s | round wall s (median) | server CPU s per round (median) "
            + "| failed results | failed devices | re-registrations | server VmHWM MiB | server heap after GC MiB |%n");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // A device registers again only when the server dropped its session (silent for three heartbeat intervals).
        long reRegistrations = fleet.calls().getOrDefault("Register", 0L) - devices;
        System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.2f | %.2f | %d | %d | %d | %.0f | %.0f |%n", devices, channels, connectSeconds,
            median(wall), median(cpu), serverFailures + fleet.rejectedResults(), fleet.failed() + (allEnded ? 0 : devices - fleet.finished() - fleet.failed()),
            reRegistrations, Long.parseLong(done[4]) / 1024.0, Long.parseLong(done[8]) / 1024.0);
        if (!fleet.failures().isEmpty()) System.out.println("device failures (first): " + fleet.failures().entrySet().iterator().next());
        System.out.println("longest stall (a thread woke up late by): server JVM " + done[12] + " ms, devices' JVM " + stalls.maxMillis()
            + " ms; the server drops a device it has not heard from for 3 heartbeat intervals");
        System.out.println("fit tasks served: " + fleet.fitTasks() + " of " + (long) devices * rounds + "; all device runs ended: " + allEnded);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly();
    }
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The next server line starting with {@code prefix}, skipping others; fails on FAILED, exit or deadline. */
  private static String expect(BlockingQueue<String> lines, String prefix, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) fail("the server printed no " + prefix + " line within " + deadline);
      if (line.startsWith(prefix + " ")) return line;
      if (line.startsWith("FAILED") || line.equals("EXITED")) fail("the server: " + line);
    }
  }

  private static int positive(Map<String, String> o, String key) {
    String v = o.get(key);
    if (!v.matches("[1-9][0-9]{0,6}")) fail("--" + key + " must be a positive integer, got '" + v + "'");
    return Integer.parseInt(v);
  }

  private static void fail(String message) {
    System.err.println("error: " + message);
    System.exit(2);
  }
}
