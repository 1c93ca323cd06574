package io.lianbang.grpc.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JVM started with the test classpath; its output is kept in a log file and scanned line by line. */
public final class JavaProcess implements AutoCloseable {
  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new ArrayList<>();

  private JavaProcess(Process process, Path log) {
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line; (line = r.readLine()) != null; ) {
          w.write(line);
          w.newLine();
          w.flush();
          lines.add(line);
          synchronized (all) {
            all.add(line);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "pump-" + log.getFileName());
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code main} in a new JVM with this JVM's classpath, a small heap and the quick-start compiler only. */
  public static JavaProcess start(Class<?> main, List<String> args, Path log) throws IOException {
    return start(main, args, log, false);
  }

  /**
   * Starts {@code main} in a new JVM with this JVM's classpath and a small heap; with
   * {@code optimizing}, the JVM also compiles with C2, whose BigInteger intrinsics make
   * cryptography-heavy processes (Paillier) several times faster, else it stops at C1 to start quickly.
   */
  public static JavaProcess start(Class<?> main, List<String> args, Path log, boolean optimizing) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    if (!optimizing) cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    return new JavaProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), log);
  }

  /** Waits (bounded) for an output line matching {@code p}. */
  public String await(Predicate<String> p, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) throw new AssertionError("no matching line within " + timeout + "; output so far:\n" + String.join("\n", output()));
      String line = lines.poll(left, TimeUnit.NANOSECONDS);
      if (line != null && p.test(line)) return line;
    }
  }

  public List<String> output() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /** Waits (bounded) for the process to exit and returns its exit code. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not exit within " + timeout + "; output:\n" + String.join("\n", output()));
    }
    return process.exitValue();
  }

  /**
   * Sends a signal with {@code kill -NAME}, e.g. STOP to freeze the process (it misses every
   * heartbeat, as in a long pause) and CONT to resume it.
   */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      kill.destroyForcibly();
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
