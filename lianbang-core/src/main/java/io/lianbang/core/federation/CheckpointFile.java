package io.lianbang.core.federation;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.core.text.Abbreviation;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * <p>Format, version 4 (big-endian, as {@link DataOutputStream} writes): the magic
 * {@code "LBCK"}, the format version (int), seed (long), rounds (int), round (int), the run
 * description (count, then name and value per entry), the parameters (count, then per tensor:
 * rank, dims, values as little-endian float32), the history (count, then per record its
 * fields, ending with the round's and the cumulative uplink and downlink bytes), the strategy state (length, bytes), the
 * broadcast round (int, 0 for none) and, if it is not 0, that round's start (as the parameters),
 * then the CRC-32 of everything before it (long). Version 3, the same without the broadcast, is
 * read too.
 * Strings are UTF-8 bytes after their length (int), at most {@link #MAX_STRING_BYTES}. Other
 * versions are rejected.
 *
 * <p>Reading trusts no length field: each is checked against the bytes left in the file before
 * anything is allocated, so a damaged or crafted file is reported as unusable, never exhausts
 * memory.
 */
public final class CheckpointFile {
  private static final int MAGIC = 0x4C42434B; // "LBCK"
  /** The format version this class writes. */
  public static final int VERSION = 4;
  /** The oldest format version this class reads. */
  private static final int OLDEST_READ = 3;
  /** The longest string (in UTF-8 bytes) a checkpoint holds: far beyond any string the round loop accepts. */
  public static final int MAX_STRING_BYTES = 64 << 20;
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
   * Reads the checkpoint and checks that a run with {@code seed}, {@code rounds} rounds and the
   * description {@code run} can continue from it.
   *
   * @return the checkpoint, or empty if there is none yet
   * @throws IllegalStateException if the checkpoint belongs to another run (naming every setting
   *     that differs, with both values) or its run is already complete
   * @throws UncheckedIOException if the file cannot be read, is damaged or has another format
   */
  public Optional<Checkpoint> readResumable(long seed, int rounds, Map<String, String> run) {
    Optional<Checkpoint> saved = read();
    if (saved.isEmpty()) return saved;
    Checkpoint c = saved.get();
    List<String> differences = new ArrayList<>();
    if (c.seed() != seed) differences.add("seed: " + c.seed() + " in the checkpoint, " + seed + " now");
    if (c.round() > rounds) differences.add("rounds: the checkpoint is after round " + c.round() + ", the run has " + rounds);
    differences.addAll(c.differences(run));
    if (!differences.isEmpty()) {
      throw new IllegalStateException("checkpoint " + path + " is of another run (" + String.join("; ", differences)
          + "): move or remove it to start a new run");
    }
    if (c.round() == rounds) {
      throw new IllegalStateException("checkpoint " + path + ": this run is already complete (" + c.round() + " of " + rounds
          + " rounds): move or remove it to start a new run, or raise rounds to continue this one");
    }
    return saved;
  }

  /**
   * Reads the checkpoint, or returns empty if there is none yet.
   *
   * @throws UncheckedIOException if the file cannot be read, is damaged or has another format
   */
  public Optional<Checkpoint> read() {
    CRC32 crc = new CRC32();
    try (InputStream raw = Files.newInputStream(path)) {
      Reader in = new Reader(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc), Files.size(path));
      if (in.readInt() != MAGIC) throw corrupt("it is not a Lianbang checkpoint");
      int version = in.readInt();
      if (version < OLDEST_READ || version > VERSION) {
        throw corrupt("format version " + version + " is not supported (this build reads versions " + OLDEST_READ + " to " + VERSION
            + "): move or remove it to start a new run");
      }
      long seed = in.readLong();
      int rounds = in.readInt();
      int round = in.readInt();
      TreeMap<String, String> run = new TreeMap<>();
      int entries = in.length("run description", 8);
      for (int i = 0; i < entries; i++) run.put(in.string("run description name"), in.string("run description value"));
      Parameters parameters = readParameters(in);
      History history = readHistory(in);
      byte[] state = new byte[in.length("strategy state", 1)];
      in.readFully(state);
      int broadcastRound = version >= 4 ? in.readInt() : 0;
      if (broadcastRound < 0) throw corrupt("broadcast round " + broadcastRound + " is negative");
      Parameters broadcastStart = broadcastRound > 0 ? readParameters(in) : null;
      long expected = crc.getValue();
      long stored = in.readLong();
      if (stored != expected) throw corrupt("checksum mismatch: the file is damaged");
      return Optional.of(new Checkpoint(seed, rounds, round, parameters, history, state, run, broadcastRound, broadcastStart));
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
        out.writeInt(checkpoint.run().size());
        for (var e : checkpoint.run().entrySet()) {
          writeString(out, e.getKey());
          writeString(out, e.getValue());
        }
        writeParameters(out, checkpoint.parameters());
        writeHistory(out, checkpoint.history());
        byte[] state = checkpoint.strategyState();
        out.writeInt(state.length);
        out.write(state);
        out.writeInt(checkpoint.broadcastRound());
        if (checkpoint.broadcastRound() > 0) writeParameters(out, checkpoint.broadcastStart());
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

  /**
   * A checkpoint being read: tracks the bytes left in the file, against which every length field
   * is checked before anything is allocated.
   */
  private static final class Reader extends DataInputStream {
    private final long size;
    private final Counting counting;

    Reader(InputStream in, long size) {
      this(new Counting(in), size);
    }

    private Reader(Counting in, long size) {
      super(in);
      this.counting = in;
      this.size = size;
    }

    /** The bytes of the file not read yet. */
    long left() {
      return size - counting.count;
    }

    /**
     * A length field: a count of items of at least {@code bytesPerItem} bytes each.
     *
     * @throws IllegalArgumentException if it is negative or the rest of the file cannot hold it
     */
    int length(String what, int bytesPerItem) throws IOException {
      int n = readInt();
      long left = left();
      if (n < 0) throw new IllegalArgumentException(what + " has a negative length " + n);
      if ((long) n * bytesPerItem > left) {
        throw new IllegalArgumentException(what + " claims " + n + " entries of at least " + bytesPerItem
            + " bytes but only " + left + " bytes are left: the file is damaged");
      }
      return n;
    }

    /** A string: its length in UTF-8 bytes, then the bytes. */
    String string(String what) throws IOException {
      int n = length(what, 1);
      if (n > MAX_STRING_BYTES) {
        throw new IllegalArgumentException(what + " is " + n + " bytes long, more than the limit of " + MAX_STRING_BYTES);
      }
      byte[] b = new byte[n];
      readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = in.skip(n);
      count += k;
      return k;
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING_BYTES) {
      throw new IOException("a string of " + b.length + " bytes is longer than the limit of " + MAX_STRING_BYTES + ": "
          + Abbreviation.abbreviate(s));
    }
    out.writeInt(b.length);
    out.write(b);
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

  private static Parameters readParameters(Reader in) throws IOException {
    int count = in.length("parameters", 4);
    List<Tensor> tensors = new ArrayList<>(Math.min(count, 1024));
    byte[] block = new byte[FLOATS_PER_BLOCK * 4];
    for (int i = 0; i < count; i++) {
      int rank = in.length("tensor[" + i + "] rank", 4);
      int[] shape = new int[rank];
      long n = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.length("tensor[" + i + "] dimension " + d, 0);
        n *= shape[d];
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor[" + i + "] is too large");
      }
      if (n * 4 > in.left()) {
        throw new IllegalArgumentException("tensor[" + i + "] of shape " + Arrays.toString(shape) + " needs " + n * 4
            + " bytes but only " + in.left() + " are left: the file is damaged");
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
        writeString(out, f.clientId());
        writeString(out, f.kind().name());
        writeString(out, f.message());
      }
      out.writeBoolean(r.updated());
      writeMetrics(out, r.fitMetrics());
      writeEval(out, r.federated());
      writeEval(out, r.centralized());
      out.writeDouble(r.seconds());
      writeTraffic(out, r.traffic());
      writeTraffic(out, r.totalTraffic());
    }
  }

  private static History readHistory(Reader in) throws IOException {
    int count = in.length("history", 4);
    List<RoundRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int round = in.readInt();
      int sampled = in.readInt();
      int succeeded = in.readInt();
      int nf = in.length("round " + round + " failures", 12);
      List<ClientFailure> failures = new ArrayList<>();
      for (int j = 0; j < nf; j++) {
        String client = in.string("failure client id");
        String kind = in.string("failure kind");
        String message = in.string("failure message");
        failures.add(new ClientFailure(client, kind(kind), message));
      }
      boolean updated = in.readBoolean();
      Metrics fit = readMetrics(in);
      Optional<EvalResult> federated = readEval(in);
      Optional<EvalResult> centralized = readEval(in);
      double seconds = in.readDouble();
      Traffic traffic = readTraffic(in, round);
      Traffic total = readTraffic(in, round);
      records.add(new RoundRecord(round, sampled, succeeded, failures, updated, fit, federated, centralized, seconds,
          traffic, total));
    }
    return new History(records);
  }

  private static void writeTraffic(DataOutputStream out, Traffic t) throws IOException {
    out.writeLong(t.uplinkBytes());
    out.writeLong(t.downlinkBytes());
  }

  private static Traffic readTraffic(Reader in, int round) throws IOException {
    long up = in.readLong();
    long down = in.readLong();
    if (up < 0 || down < 0) {
      throw new IllegalArgumentException("round " + round + " records negative bytes (" + up + " up, " + down + " down)");
    }
    return new Traffic(up, down);
  }

  private static ClientFailure.Kind kind(String name) {
    for (ClientFailure.Kind k : ClientFailure.Kind.values()) {
      if (k.name().equals(name)) return k;
    }
    throw new IllegalArgumentException("failure kind '" + Abbreviation.abbreviate(name) + "' is unknown");
  }

  private static void writeMetrics(DataOutputStream out, Metrics m) throws IOException {
    out.writeInt(m.asMap().size());
    for (var e : m.asMap().entrySet()) {
      writeString(out, e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Metrics readMetrics(Reader in) throws IOException {
    int n = in.length("metrics", 12);
    TreeMap<String, Double> m = new TreeMap<>();
    for (int i = 0; i < n; i++) m.put(in.string("metric name"), in.readDouble());
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

  private static Optional<EvalResult> readEval(Reader in) throws IOException {
    if (!in.readBoolean()) return Optional.empty();
    return Optional.of(new EvalResult(in.readDouble(), in.readLong(), readMetrics(in)));
  }

  @Override
  public String toString() {
    return "CheckpointFile[" + path + "]";
  }
}
