package io.lianbang.python;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Python process of {@code tests/interop_peer.py}, answering requests one at a time: a header of
 * space-separated tokens and a binary body each way, every frame a 4-byte big-endian length and its
 * bytes (the script's docstring lists the requests). Every call has a deadline; closing stops the
 * process. Registered with {@code @RegisterExtension} on a test class's static field, the process
 * starts before the class's first test and stops after its last.
 */
final class PythonPeer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** A reply: its header tokens after {@code ok}, and its body. */
  record Reply(String header, byte[] body) {}

  /** A reply with {@code error KIND message}. */
  static final class PeerError extends Exception {
    private static final long serialVersionUID = 1L;
    final String kind;

    PeerError(String kind, String message) {
      super(message);
      this.kind = kind;
    }
  }

  private static final long TIMEOUT_SECONDS = 120;

  private Process process;
  private DataOutputStream in;
  private DataInputStream out;
  private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "python-peer");
    t.setDaemon(true);
    return t;
  });

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws IOException {
    process = Python.start(List.of("tests/interop_peer.py"), Map.of());
    in = new DataOutputStream(process.getOutputStream());
    out = new DataInputStream(process.getInputStream());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /** Sends {@code header} and {@code body}; the reply, or a {@link PeerError} with its kind and message. */
  synchronized Reply call(String header, byte[] body) throws IOException, PeerError {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    in.writeInt(h.length);
    in.write(h);
    in.writeInt(body.length);
    in.write(body);
    in.flush();
    Future<byte[][]> f = reader.submit(() -> new byte[][] {frame(), frame()});
    byte[][] reply;
    try {
      reply = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("the Python peer did not answer '" + header + "' within " + TIMEOUT_SECONDS + " s");
    } catch (ExecutionException e) {
      throw new IOException("the Python peer's reply to '" + header + "' is unreadable: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String text = new String(reply[0], StandardCharsets.UTF_8);
    if (text.startsWith("error ")) {
      String[] t = text.split(" ", 3);
      throw new PeerError(t[1], t.length > 2 ? t[2] : "");
    }
    if (!text.equals("ok") && !text.startsWith("ok ")) throw new IOException("the Python peer answered '" + text + "'");
    return new Reply(text.length() > 3 ? text.substring(3) : "", reply[1]);
  }

  /** As {@link #call(String, byte[])} with an empty body. */
  Reply call(String header) throws IOException, PeerError {
    return call(header, new byte[0]);
  }

  private byte[] frame() throws IOException {
    int n = out.readInt();
    if (n < 0 || n > (64 << 20)) throw new IOException("frame of " + n + " bytes");
    byte[] b = new byte[n];
    out.readFully(b);
    return b;
  }

  @Override
  public void close() throws Exception {
    if (process == null) {
      reader.shutdownNow();
      return;
    }
    try {
      synchronized (this) {
        in.writeInt(4);
        in.write("exit".getBytes(StandardCharsets.US_ASCII));
        in.writeInt(0);
        in.flush();
      }
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    reader.shutdownNow();
  }
}
