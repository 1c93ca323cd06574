package io.lianbang.core.federation;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * One checkpoint file, replaced atomically after every round.
 *
 * <p>Writing goes to a temporary file in the same directory, which is flushed to disk
 * ({@code fsync}) and then renamed over the checkpoint in one atomic step, and the directory is
 * synced; a crash at any moment leaves either the previous checkpoint or the new one, never a
 * torn file. A CRC-32 trailer detects a file damaged afterwards.
 *
 * <p>Format, version 1 (big-endian, as {@link DataOutputStream} writes): the magic
 * {@code "LBCK"}, the format version (int), seed (long), rounds (int), round (int), the
 * parameters (count, then per tensor: rank, dims, values as little-endian float32), the history
 * (count, then per record its fields), the strategy state (length, bytes), then the CRC-32 of
 * everything before it (long). Unknown versions are rejected.
 */
public final class CheckpointFile {
  private static final int MAGIC = 0x4C42434B; // "LBCK"
  /** The format version this class writes. */
  public static final int VERSION = 1;
  private static final int FLOATS_PER_BLOCK = 1 << 16;

  private final Path path;

  /** A checkpoint stored at {@code path}. */
  public CheckpointFile(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
  }

  /** Where the checkpoint lives. */
  public Path path() {
    return path;
  }

  /**
   * Reads the checkpoint, or returns empty if there is none yet.
   *
   * @throws UncheckedIOException if the file cannot be read, is damaged or has another format
   */
  public Optional<Checkpoint> read() {
    CRC32 crc = new CRC32();
    try (InputStream raw = Files.newInputStream(path);
         DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
      if (in.readInt() != MAGIC) throw corrupt("it is not a Lianbang checkpoint");
      int version = in.readInt();
      if (version != VERSION) {
        throw corrupt("format version " + version + " is not supported (this build reads version " + VERSION + ")");
      }
      long seed = in.readLong();
      int rounds = in.readInt();
      int round = in.readInt();
      Parameters parameters = readParameters(in);
      History history = readHistory(in);
      byte[] state = new byte[checkedLength(in.readInt(), "strategy state")];
      in.readFully(state);
      long expected = crc.getValue();
      long stored = in.readLong();
      if (stored != expected) throw corrupt("checksum mismatch: the file is damaged");
      return Optional.of(new Checkpoint(seed, rounds, round, parameters, history, state));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (EOFException e) {
      throw corrupt("it ends early: the file is truncated");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw corrupt(e.getMessage());
    }
  }

  /**
   * Replaces the checkpoint atomically with {@code checkpoint}.
   *
   * @throws UncheckedIOException if it cannot be written; the previous checkpoint is then intact
   */
  public void write(Checkpoint checkpoint) {
    Path dir = path.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        CRC32 crc = new CRC32();
        OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(checkpoint.seed());
        out.writeInt(checkpoint.rounds());
        out.writeInt(checkpoint.round());
        writeParameters(out, checkpoint.parameters());
        writeHistory(out, checkpoint.history());
        byte[] state = checkpoint.strategyState();
        out.writeInt(state.length);
        out.write(state);
        out.flush();
        new DataOutputStream(raw).writeLong(crc.getValue());
        channel.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + path + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: a stale temporary file does not affect the checkpoint
        }
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename itself is still atomic there.
    }
  }

  private UncheckedIOException corrupt(String why) {
    return new UncheckedIOException("checkpoint " + path + " is unusable: " + why, new IOException(why));
  }

  private static int checkedLength(int n, String what) {
    if (n < 0) throw new IllegalArgumentException(what + " has a negative length " + n);
    return n;
  }

  private static void writeParameters(DataOutputStream out, Parameters p) throws IOException {
    out.writeInt(p.count());
    ByteBuffer block = ByteBuffer.allocate(FLOATS_PER_BLOCK * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : p.tensors()) {
      out.writeInt(t.rank());
      for (int d = 0; d < t.rank(); d++) out.writeInt(t.dim(d));
      for (int j = 0; j < t.size(); j++) {
        block.putFloat(t.get(j));
        if (!block.hasRemaining()) {
          out.write(block.array(), 0, block.position());
          block.clear();
        }
      }
      out.write(block.array(), 0, block.position());
      block.clear();
    }
  }

  private static Parameters readParameters(DataInputStream in) throws IOException {
    int count = checkedLength(in.readInt(), "parameters");
    List<Tensor> tensors = new ArrayList<>(Math.min(count, 1024));
    byte[] block = new byte[FLOATS_PER_BLOCK * 4];
    for (int i = 0; i < count; i++) {
      int rank = checkedLength(in.readInt(), "tensor rank");
      int[] shape = new int[rank];
      long n = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = checkedLength(in.readInt(), "tensor dimension");
        n *= shape[d];
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor[" + i + "] is too large");
      }
      float[] values = new float[(int) n];
      int done = 0;
      while (done < values.length) {
        int k = Math.min(FLOATS_PER_BLOCK, values.length - done);
        in.readFully(block, 0, k * 4);
        ByteBuffer.wrap(block, 0, k * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, done, k);
        done += k;
      }
      tensors.add(Tensor.adopt(shape, values));
    }
    return Parameters.of(tensors);
  }

  private static void writeHistory(DataOutputStream out, History h) throws IOException {
    out.writeInt(h.rounds().size());
    for (RoundRecord r : h.rounds()) {
      out.writeInt(r.round());
      out.writeInt(r.sampled());
      out.writeInt(r.succeeded());
      out.writeInt(r.failures().size());
      for (ClientFailure f : r.failures()) {
        out.writeUTF(f.clientId());
        out.writeUTF(f.kind().name());
        writeLongString(out, f.message());
      }
      out.writeBoolean(r.updated());
      writeMetrics(out, r.fitMetrics());
      writeEval(out, r.federated());
      writeEval(out, r.centralized());
      out.writeDouble(r.seconds());
    }
  }

  private static History readHistory(DataInputStream in) throws IOException {
    int count = checkedLength(in.readInt(), "history");
    List<RoundRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int round = in.readInt();
      int sampled = in.readInt();
      int succeeded = in.readInt();
      int nf = checkedLength(in.readInt(), "failures");
      List<ClientFailure> failures = new ArrayList<>();
      for (int j = 0; j < nf; j++) {
        failures.add(new ClientFailure(in.readUTF(), ClientFailure.Kind.valueOf(in.readUTF()), readLongString(in)));
      }
      boolean updated = in.readBoolean();
      Metrics fit = readMetrics(in);
      Optional<EvalResult> federated = readEval(in);
      Optional<EvalResult> centralized = readEval(in);
      double seconds = in.readDouble();
      records.add(new RoundRecord(round, sampled, succeeded, failures, updated, fit, federated, centralized, seconds));
    }
    return new History(records);
  }

  private static void writeLongString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readLongString(DataInputStream in) throws IOException {
    byte[] b = new byte[checkedLength(in.readInt(), "string")];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeMetrics(DataOutputStream out, Metrics m) throws IOException {
    out.writeInt(m.asMap().size());
    for (var e : m.asMap().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Metrics readMetrics(DataInputStream in) throws IOException {
    int n = checkedLength(in.readInt(), "metrics");
    TreeMap<String, Double> m = new TreeMap<>();
    for (int i = 0; i < n; i++) m.put(in.readUTF(), in.readDouble());
    return Metrics.of(m);
  }

  private static void writeEval(DataOutputStream out, Optional<EvalResult> e) throws IOException {
    out.writeBoolean(e.isPresent());
    if (e.isPresent()) {
      out.writeDouble(e.get().loss());
      out.writeLong(e.get().numExamples());
      writeMetrics(out, e.get().metrics());
    }
  }

  private static Optional<EvalResult> readEval(DataInputStream in) throws IOException {
    if (!in.readBoolean()) return Optional.empty();
    return Optional.of(new EvalResult(in.readDouble(), in.readLong(), readMetrics(in)));
  }

  @Override
  public String toString() {
    return "CheckpointFile[" + path + "]";
  }
}
