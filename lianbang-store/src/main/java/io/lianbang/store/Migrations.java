package io.lianbang.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's schema migrations: the numbered scripts {@code migrations/V1.sql}, {@code V2.sql},
 * ... beside this class, applied in order, those not yet applied, in one transaction that also
 * records each in the table {@code schema_version} (version, description, applied_at). Opening a
 * store that is up to date applies nothing. The scripts are portable SQL (SQLite, PostgreSQL); a
 * script's first line, a {@code --} comment, is its description; statements end with {@code ;} at
 * the end of a line.
 */
final class Migrations {
  /** The table that records the applied scripts. */
  static final String TABLE = "schema_version";

  /** Attempts when another process migrates the same database at the same time. */
  private static final int ATTEMPTS = 3;

  private Migrations() {}

  /** A script: its version, description and statements. */
  record Script(int version, String description, List<String> statements) {}

  /** The scripts on the class path, in order. */
  static List<Script> scripts() {
    List<Script> scripts = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in = Migrations.class.getResourceAsStream("migrations/V" + v + ".sql")) {
        if (in == null) return scripts;
        scripts.add(parse(v, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read migration V" + v + ".sql", e);
      }
    }
  }

  static Script parse(int version, String text) {
    String first = text.lines().findFirst().orElse("");
    String description = first.startsWith("--") ? first.substring(2).strip() : "V" + version;
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\\R")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("--")) continue;
      current.append(line).append('\n');
      if (l.endsWith(";")) {
        String s = current.toString().strip();
        statements.add(s.substring(0, s.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) statements.add(current.toString().strip());
    return new Script(version, description, statements);
  }

  /**
   * Applies the scripts {@code connection}'s database has not had yet.
   *
   * @return the schema version after
   * @throws SQLException if a script fails (nothing of it is left applied)
   */
  static int apply(Connection connection) throws SQLException {
    List<Script> scripts = scripts();
    for (int attempt = 1; ; attempt++) {
      boolean auto = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        try (Statement st = connection.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS " + TABLE
              + " (version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL, applied_at VARCHAR(40) NOT NULL)");
        }
        int current = current(connection);
        for (Script s : scripts) {
          if (s.version() <= current) continue;
          try (Statement st = connection.createStatement()) {
            for (String sql : s.statements()) st.execute(sql);
          }
          try (PreparedStatement ps = connection.prepareStatement(
              "INSERT INTO " + TABLE + " (version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, s.version());
            ps.setString(2, s.description());
            ps.setString(3, Instant.now().toString());
            ps.executeUpdate();
          }
          current = s.version();
        }
        connection.commit();
        return current;
      } catch (SQLException e) {
        connection.rollback();
        // another process created the same tables first: read again what it applied
        if (attempt >= ATTEMPTS) throw e;
      } finally {
        connection.setAutoCommit(auto);
      }
    }
  }

  /** The highest version applied, 0 for none. */
  static int current(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(version) FROM " + TABLE)) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }
}
