package io.lianbang.bench.load;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many lightweight devices in one JVM, each a real protocol participant: a
 * {@link FederationClient} with its own identity, authenticated by its own bearer token, serving a
 * {@link DeviceUpdate}. The devices share {@code channels} gRPC connections (device {@code i} uses
 * connection {@code i mod channels}; HTTP/2 multiplexes their calls), so one JVM can stand in for
 * thousands of devices; with {@code channels == devices} each device has its own connection, as
 * real devices do. Each device runs on its own thread (the client's calls block) plus the
 * client's heartbeat thread. Counts the calls the devices start, by method.
 *
 * <p>Tokens derive from the run seed ({@link #tokens}), so the server side of a load test can be
 * configured with the same map without sharing a file.
 */
public final class DeviceFleet implements AutoCloseable {
  private static final long STACK_BYTES = 512 << 10;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger fitTasks = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  private DeviceFleet() {}

  /** The identity of device {@code index}: {@code device-00042}. */
  public static String identity(int index) {
    return String.format(Locale.ROOT, "device-%05d", index);
  }

  /** The bearer token of device {@code index} in the run with this seed (30 characters). */
  public static String token(long seed, int index) {
    return "lianbang-load-" + HexFormat.of().toHexDigits(Seeds.derive(seed, "device-token", index));
  }

  /** Token → identity of devices 0 … {@code devices − 1}, for {@code ServerSettings#withTokens}. */
  public static Map<String, String> tokens(long seed, int devices) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < devices; i++) m.put(token(seed, i), identity(i));
    return m;
  }

  /**
   * Starts {@code devices} devices against the plaintext server at {@code target} ("host:port",
   * loopback or a trusted network: tokens travel in plaintext) over {@code channels} connections.
   *
   * @param layout the model every device declares at registration (the server may check it)
   * @param giveUpAfter how long each device keeps retrying an unreachable server
   * @throws IllegalArgumentException if {@code devices} or {@code channels} is not in [1, 100000]
   *     or {@code channels > devices}
   */
  public static DeviceFleet start(String target, int devices, int channels, long seed, Parameters layout, Duration giveUpAfter) {
    if (devices < 1 || devices > 100_000) throw new IllegalArgumentException("devices must be in [1, 100000], got " + devices);
    if (channels < 1 || channels > devices) {
      throw new IllegalArgumentException("channels must be in [1, devices = " + devices + "], got " + channels);
    }
    Objects.requireNonNull(layout, "layout");
    DeviceFleet fleet = new DeviceFleet();
    ClientInterceptor counter = fleet.new CallCounter();
    for (int c = 0; c < channels; c++) fleet.channels.add(ClientChannels.open(target, null, null, true));
    for (int i = 0; i < devices; i++) {
      Channel shared = fleet.channels.get(i % channels);
      Channel own = ClientInterceptors.intercept(ClientChannels.withToken(shared, token(seed, i), true), counter);
      ClientSettings settings = ClientSettings.defaults(identity(i)).withModelLayout(layout).withGiveUpAfter(giveUpAfter);
      FederationClient client = new FederationClient(own, new DeviceUpdate(i), settings);
      String name = identity(i);
      Thread t = new Thread(null, () -> fleet.serve(name, client), name, STACK_BYTES);
      t.setDaemon(true);
      fleet.threads.add(t);
    }
    fleet.threads.forEach(Thread::start);
    return fleet;
  }

  private void serve(String name, FederationClient client) {
    try {
      FederationClient.Summary s = client.run();
      fitTasks.addAndGet(s.fitTasks());
      rejected.addAndGet(s.rejectedResults());
      finished.incrementAndGet();
    } catch (InterruptedException e) {
      failures.put(name, "interrupted");
      failed.incrementAndGet();
    } catch (RuntimeException e) {
      failures.put(name, e.toString());
      failed.incrementAndGet();
    }
  }

  /** Calls the devices started so far, by method name (e.g. {@code Heartbeat}), sorted. */
  public Map<String, Long> calls() {
    Map<String, Long> m = new TreeMap<>();
    calls.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /**
   * Waits until every device's run has ended or {@code timeout} has passed.
   *
   * @return whether every device's run ended
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      long left = end - System.nanoTime();
      if (left <= 0) return false;
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      if (t.isAlive()) return false;
    }
    return true;
  }

  /** Devices whose run ended with the server's FINISH. */
  public int finished() {
    return finished.get();
  }

  /** Devices whose run ended with an error (refused, unreachable, interrupted). */
  public int failed() {
    return failed.get();
  }

  /** Each failed device's error, by identity. */
  public Map<String, String> failures() {
    return new TreeMap<>(failures);
  }

  /** Fit tasks the finished devices served, and results the server rejected. */
  public int fitTasks() {
    return fitTasks.get();
  }

  public int rejectedResults() {
    return rejected.get();
  }

  /** Stops every device (interrupting any still running) and closes the connections. */
  @Override
  public void close() {
    threads.forEach(Thread::interrupt);
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Counts every call by its method's bare name. */
  private final class CallCounter implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      calls.computeIfAbsent(method.getBareMethodName(), k -> new LongAdder()).increment();
      return next.newCall(method, options);
    }
  }
}
