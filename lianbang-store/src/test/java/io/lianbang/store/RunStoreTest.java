package io.lianbang.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
  @TempDir
  Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("sub").resolve("lianbang.db");
  }

  private static NewRun newRun(String name) {
    return new NewRun(name, "simulate", 3, "name: " + name + "\nrounds: 3\n", "0.1.0", null, "17", "scalar", "{\"threads\":1}", "/out");
  }

  private static RoundRow row(int round, double accuracy, long up, long total) {
    return new RoundRow(round, 2, 2, 0, true, 0.5, 0.4, accuracy, Double.NaN, Double.NaN, 0.25, up, 10, total, 10L * round);
  }

  @Test
  void roundsAreReadableByAnotherConnectionAsSoonAsTheyAreRecorded() {
    try (RunStore writer = RunStore.open(url()); RunStore reader = RunStore.open(url())) {
      long id = writer.start(newRun("a"));
      assertEquals(RunStatus.RUNNING, reader.run(id).orElseThrow().status());
      assertEquals(0, reader.rounds(id).size());
      writer.recordRound(id, row(0, 0.1, 0, 0), List.of());
      writer.recordRound(id, row(1, 0.6, 100, 100),
          List.of(new Participant(1, "c1", true, null), new Participant(1, "c2", false, "TIMEOUT: no result in 5 s")));
      StoredRun mid = reader.run(id).orElseThrow();
      assertEquals(1, mid.roundsDone());
      assertEquals(0.6, mid.finalAccuracy());
      assertEquals(List.of(0, 1), reader.rounds(id).stream().map(RoundRow::round).toList());
      writer.recordRound(id, row(2, 0.7, 50, 150), List.of());
      writer.finish(id, RunStatus.FINISHED, 1.25, List.of("/out/history.csv", "/out/chart.png"), null);

      StoredRun done = reader.run(id).orElseThrow();
      assertEquals(RunStatus.FINISHED, done.status());
      assertEquals(2, done.roundsDone());
      assertEquals(0.7, done.finalAccuracy());
      assertEquals(150, done.uplinkBytes());
      assertEquals(20, done.downlinkBytes());
      assertEquals(1.25, done.epsilon());
      assertEquals(ConfigFingerprint.of("name: a\nrounds: 3\n"), done.configSha256());
      assertEquals(List.of("/out/chart.png", "/out/history.csv"), reader.artifacts(id));
      RoundRow r1 = reader.rounds(id).get(1);
      assertEquals(row(1, 0.6, 100, 100).toString(), r1.toString()); // NaN survives as SQL NULL
      assertEquals(List.of(new Participant(1, "c1", true, null), new Participant(1, "c2", false, "TIMEOUT: no result in 5 s")),
          reader.participants(id));
    }
  }

  @Test
  void aRoundIsAllOrNothing() {
    try (RunStore store = RunStore.open(url())) {
      long id = store.start(newRun("a"));
      Participant twice = new Participant(1, "c1", true, null);
      assertThrows(StoreException.class, () -> store.recordRound(id, row(1, 0.5, 1, 1), List.of(twice, twice)));
      assertEquals(List.of(), store.rounds(id));
      store.recordRound(id, row(1, 0.5, 1, 1), List.of(twice));
      assertEquals(1, store.rounds(id).size());
    }
  }

  @Test
  void theFingerprintIsTheSha256OfTheYaml() {
    // FIPS 180-2, appendix B.1
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ConfigFingerprint.of("abc"));
  }

  @Test
  void openingAnExistingStoreAppliesNoMigrationAgain() throws Exception {
    int scripts = Migrations.scripts().size();
    assertTrue(scripts >= 1);
    long id;
    try (RunStore store = RunStore.open(url())) {
      assertEquals(scripts, store.schemaVersion());
      id = store.start(newRun("kept"));
    }
    try (RunStore again = RunStore.open(url())) {
      assertEquals(scripts, again.schemaVersion());
      assertEquals("kept", again.run(id).orElseThrow().name());
    }
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(version) FROM " + Migrations.TABLE)) {
      rs.next();
      assertEquals(scripts, rs.getInt(1));
      assertEquals(scripts, rs.getInt(2));
      assertEquals(scripts, Migrations.apply(c));
    }
  }

  @Test
  void theStoreIsInWalModeSoReadersDoNotBlockTheWriter() throws Exception {
    try (RunStore store = RunStore.open(url())) {
      store.start(newRun("a"));
    }
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertEquals("wal", rs.getString(1));
    }
  }

  @Test
  void twoWritersIntoOneFileLoseNothing() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Long>> runs = new ArrayList<>();
      for (String name : List.of("left", "right")) {
        runs.add(pool.submit(() -> {
          try (RunStore store = RunStore.open(url())) {
            long id = store.start(newRun(name));
            for (int r = 1; r <= 25; r++) store.recordRound(id, row(r, r / 100.0, r, r), List.of(new Participant(r, "c", true, null)));
            store.finish(id, RunStatus.FINISHED, Double.NaN, List.of(), null);
            return id;
          }
        }));
      }
      List<Long> ids = new ArrayList<>();
      for (Future<Long> f : runs) ids.add(f.get(120, TimeUnit.SECONDS));
      try (RunStore store = RunStore.open(url())) {
        assertEquals(2, store.runs().size());
        for (long id : ids) {
          StoredRun r = store.run(id).orElseThrow();
          assertEquals(25, r.roundsDone());
          assertEquals(0.25, r.finalAccuracy());
          assertTrue(Double.isNaN(r.epsilon()));
          assertEquals(25, store.participants(id).size());
        }
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aUrlThatIsNotJdbcIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStore.open("runs/lianbang.db"));
    assertEquals("store.url must be a JDBC URL such as jdbc:sqlite:runs/lianbang.db, got 'runs/lianbang.db'", e.getMessage());
    StoreException s = assertThrows(StoreException.class, () -> RunStore.open("jdbc:nosuchdb://x"));
    assertTrue(s.getMessage().startsWith("cannot open the run store jdbc:nosuchdb://x: "), s.getMessage());
    assertTrue(Files.notExists(dir.resolve("sub")));
  }
}
