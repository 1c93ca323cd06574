package io.lianbang.store;

import io.lianbang.core.text.Abbreviation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The run store: runs, their rounds, participants and files in a SQL database reached by a JDBC
 * URL, {@link #DEFAULT_URL} (an SQLite file) unless told otherwise. Opening a store creates the
 * SQLite file and its directory if missing and applies the schema migrations it has not had
 * ({@link Migrations}).
 *
 * <p>Every write is one short transaction: a run's row when it starts, each round with its
 * participants when it completes, the end. A process that dies loses at most the round in
 * progress, and its run stays {@link RunStatus#RUNNING}. Several processes may write one SQLite
 * file at once: it is opened in WAL mode, every transaction takes the write lock when it begins,
 * and a writer waits at most {@link #BUSY_TIMEOUT} for another's transaction to end.
 *
 * <p>One instance is one connection; its methods are synchronized.
 */
public final class RunStore implements AutoCloseable {
  /** The default store: {@code runs/lianbang.db} under the current directory. */
  public static final String DEFAULT_URL = "jdbc:sqlite:runs/lianbang.db";

  /** How long a write waits for another process's transaction on the same SQLite file, and the login deadline. */
  public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

  private static final String SQLITE = "jdbc:sqlite:";

  private final String url;
  private final Connection connection;
  private final int schemaVersion;

  private RunStore(String url, Connection connection, int schemaVersion) {
    this.url = url;
    this.connection = connection;
    this.schemaVersion = schemaVersion;
  }

  /**
   * Opens the store at {@code url} (a JDBC URL such as {@code jdbc:sqlite:runs/lianbang.db} or
   * {@code jdbc:postgresql://host/db?user=...}, whose driver is on the class path) and migrates
   * it.
   *
   * @throws StoreException naming the URL and the reason if it cannot be opened or migrated
   */
  public static RunStore open(String url) {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("store.url must be a JDBC URL such as " + DEFAULT_URL + ", got '"
          + Abbreviation.abbreviate(String.valueOf(url)) + "'");
    }
    Properties props = new Properties();
    if (url.startsWith(SQLITE)) {
      createDirectory(url);
      props.setProperty("journal_mode", "WAL");
      props.setProperty("busy_timeout", String.valueOf(BUSY_TIMEOUT.toMillis()));
      props.setProperty("transaction_mode", "IMMEDIATE");
      props.setProperty("foreign_keys", "true");
    }
    Connection c = null;
    try {
      DriverManager.setLoginTimeout((int) BUSY_TIMEOUT.toSeconds());
      c = DriverManager.getConnection(url, props);
      int version = Migrations.apply(c);
      return new RunStore(url, c, version);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already failing
        }
      }
      throw new StoreException("cannot open the run store " + Abbreviation.abbreviate(url) + ": " + e.getMessage(), e);
    }
  }

  /** Creates the directory of an SQLite file URL such as {@code jdbc:sqlite:runs/lianbang.db}. */
  private static void createDirectory(String url) {
    String file = url.substring(SQLITE.length());
    int q = file.indexOf('?');
    if (q >= 0) file = file.substring(0, q);
    if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) return; // in memory, or a URI
    try {
      Path parent = Path.of(file).toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
    } catch (IOException | InvalidPathException e) {
      throw new StoreException("cannot open the run store " + Abbreviation.abbreviate(url) + ": cannot create its directory: "
          + e.getMessage(), e);
    }
  }

  /** The store's URL. */
  public String url() {
    return url;
  }

  /** The schema version after the migrations. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * Records a run that starts now, {@link RunStatus#RUNNING}.
   *
   * @return its id
   */
  public synchronized long start(NewRun run) {
    for (int attempt = 1; ; attempt++) {
      try {
        return insert(run);
      } catch (StoreException e) {
        // on a server database another writer may have taken the same next id: take the one after
        if (attempt >= 3) throw e;
      }
    }
  }

  private long insert(NewRun run) {
    String uid = UUID.randomUUID().toString();
    return inTransaction("record the start of run " + run.name(), () -> {
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO runs (id, uid, name, kind, status, started_at, "
          + "rounds_planned, config_yaml, config_sha256, lianbang_version, git_commit, java_version, kernels, environment_json, "
          + "output_dir) SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM runs")) {
        int i = 1;
        ps.setString(i++, uid);
        ps.setString(i++, run.name());
        ps.setString(i++, run.kind());
        ps.setString(i++, RunStatus.RUNNING.toString());
        ps.setString(i++, now());
        ps.setInt(i++, run.roundsPlanned());
        ps.setString(i++, run.configYaml());
        ps.setString(i++, ConfigFingerprint.of(run.configYaml()));
        ps.setString(i++, run.lianbangVersion());
        ps.setString(i++, run.gitCommit());
        ps.setString(i++, run.javaVersion());
        ps.setString(i++, run.kernels());
        ps.setString(i++, run.environmentJson());
        ps.setString(i, run.outputDir());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM runs WHERE uid = ?")) {
        ps.setString(1, uid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Records a completed round of run {@code runId} with the clients that took part, in one transaction. */
  public synchronized void recordRound(long runId, RoundRow r, List<Participant> participants) {
    inTransaction("record round " + r.round() + " of run " + runId, () -> {
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO rounds (run_id, round, sampled, succeeded, failed, "
          + "updated, train_loss, test_loss, test_accuracy, fed_loss, fed_accuracy, seconds, uplink_bytes, downlink_bytes, "
          + "total_uplink_bytes, total_downlink_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int i = 1;
        ps.setLong(i++, runId);
        ps.setInt(i++, r.round());
        ps.setInt(i++, r.sampled());
        ps.setInt(i++, r.succeeded());
        ps.setInt(i++, r.failed());
        ps.setInt(i++, r.updated() ? 1 : 0);
        setDouble(ps, i++, r.trainLoss());
        setDouble(ps, i++, r.testLoss());
        setDouble(ps, i++, r.testAccuracy());
        setDouble(ps, i++, r.fedLoss());
        setDouble(ps, i++, r.fedAccuracy());
        setDouble(ps, i++, r.seconds());
        ps.setLong(i++, r.uplinkBytes());
        ps.setLong(i++, r.downlinkBytes());
        ps.setLong(i++, r.totalUplinkBytes());
        ps.setLong(i, r.totalDownlinkBytes());
        ps.executeUpdate();
      }
      if (!participants.isEmpty()) {
        try (PreparedStatement ps = connection.prepareStatement(
            "INSERT INTO participants (run_id, round, client_id, succeeded, reason) VALUES (?, ?, ?, ?, ?)")) {
          for (Participant p : participants) {
            ps.setLong(1, runId);
            ps.setInt(2, p.round());
            ps.setString(3, p.clientId());
            ps.setInt(4, p.succeeded() ? 1 : 0);
            ps.setString(5, p.reason());
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  /**
   * Records the end of run {@code runId}.
   *
   * @param status {@link RunStatus#FINISHED} or {@link RunStatus#FAILED}
   * @param epsilon the privacy loss ε, or {@code NaN} if the run has none
   * @param artifacts the files it wrote
   * @param error why it failed, or null
   */
  public synchronized void finish(long runId, RunStatus status, double epsilon, List<String> artifacts, String error) {
    inTransaction("record the end of run " + runId, () -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE runs SET status = ?, finished_at = ?, epsilon = ?, error = ? WHERE id = ?")) {
        ps.setString(1, status.toString());
        ps.setString(2, now());
        setDouble(ps, 3, epsilon);
        ps.setString(4, error);
        ps.setLong(5, runId);
        ps.executeUpdate();
      }
      if (!artifacts.isEmpty()) {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO artifacts (run_id, path) VALUES (?, ?)")) {
          for (String a : List.copyOf(new java.util.TreeSet<>(artifacts))) {
            ps.setLong(1, runId);
            ps.setString(2, a);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  private static final String RUN_COLUMNS = "r.id, r.name, r.kind, r.status, r.started_at, r.finished_at, r.rounds_planned, "
      + "(SELECT COUNT(*) FROM rounds x WHERE x.run_id = r.id AND x.round > 0), "
      + "(SELECT x.test_accuracy FROM rounds x WHERE x.run_id = r.id AND x.test_accuracy IS NOT NULL ORDER BY x.round DESC LIMIT 1), "
      + "(SELECT MAX(x.total_uplink_bytes) FROM rounds x WHERE x.run_id = r.id), "
      + "(SELECT MAX(x.total_downlink_bytes) FROM rounds x WHERE x.run_id = r.id), "
      + "r.config_yaml, r.config_sha256, r.lianbang_version, r.git_commit, r.java_version, r.kernels, r.environment_json, "
      + "r.output_dir, r.epsilon, r.error";

  /** Every run, oldest first. */
  public synchronized List<StoredRun> runs() {
    return read("list the runs", () -> {
      List<StoredRun> runs = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs r ORDER BY r.id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) runs.add(run(rs));
      }
      return runs;
    });
  }

  /** Run {@code id}, if the store has it. */
  public synchronized Optional<StoredRun> run(long id) {
    return read("read run " + id, () -> {
      try (PreparedStatement ps = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs r WHERE r.id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(run(rs)) : Optional.<StoredRun>empty();
        }
      }
    });
  }

  /** The rounds of run {@code id} in order (empty if it has none or does not exist). */
  public synchronized List<RoundRow> rounds(long id) {
    return read("read the rounds of run " + id, () -> {
      List<RoundRow> rows = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement("SELECT round, sampled, succeeded, failed, updated, train_loss, "
          + "test_loss, test_accuracy, fed_loss, fed_accuracy, seconds, uplink_bytes, downlink_bytes, total_uplink_bytes, "
          + "total_downlink_bytes FROM rounds WHERE run_id = ? ORDER BY round")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new RoundRow(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5) != 0, getDouble(rs, 6),
                getDouble(rs, 7), getDouble(rs, 8), getDouble(rs, 9), getDouble(rs, 10), getDouble(rs, 11), rs.getLong(12),
                rs.getLong(13), rs.getLong(14), rs.getLong(15)));
          }
        }
      }
      return rows;
    });
  }

  /** The clients that took part in run {@code id}, by round and client. */
  public synchronized List<Participant> participants(long id) {
    return read("read the participants of run " + id, () -> {
      List<Participant> all = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT round, client_id, succeeded, reason FROM participants WHERE run_id = ? ORDER BY round, client_id")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) all.add(new Participant(rs.getInt(1), rs.getString(2), rs.getInt(3) != 0, rs.getString(4)));
        }
      }
      return all;
    });
  }

  /** The files run {@code id} wrote, sorted. */
  public synchronized List<String> artifacts(long id) {
    return read("read the files of run " + id, () -> {
      List<String> all = new ArrayList<>();
      try (PreparedStatement ps = connection.prepareStatement("SELECT path FROM artifacts WHERE run_id = ? ORDER BY path")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) all.add(rs.getString(1));
        }
      }
      return all;
    });
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the run store " + Abbreviation.abbreviate(url) + ": " + e.getMessage(), e);
    }
  }

  private static StoredRun run(ResultSet rs) throws SQLException {
    return new StoredRun(rs.getLong(1), rs.getString(2), rs.getString(3), RunStatus.parse(rs.getString(4)), rs.getString(5),
        rs.getString(6), rs.getInt(7), rs.getInt(8), getDouble(rs, 9), rs.getLong(10), rs.getLong(11), rs.getString(12),
        rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17), rs.getString(18),
        rs.getString(19), getDouble(rs, 20), rs.getString(21));
  }

  private static void setDouble(PreparedStatement ps, int index, double v) throws SQLException {
    if (Double.isFinite(v)) {
      ps.setDouble(index, v);
    } else {
      ps.setNull(index, Types.DOUBLE);
    }
  }

  private static double getDouble(ResultSet rs, int index) throws SQLException {
    double v = rs.getDouble(index);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** A unit of work on the connection. */
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T inTransaction(String what, Work<T> work) {
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run();
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " in the run store " + Abbreviation.abbreviate(url) + ": " + e.getMessage(), e);
    }
  }

  private <T> T read(String what, Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException("cannot " + what + " in the run store " + Abbreviation.abbreviate(url) + ": " + e.getMessage(), e);
    }
  }
}
