package io.lianbang.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.StoreConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.store.Participant;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoredRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RunRecorder} as a round listener, writing a real SQLite file. */
class RunRecorderTest {
  @TempDir
  Path tmp;

  private String url() {
    return "jdbc:sqlite:" + tmp.resolve("lianbang.db");
  }

  private static SimulationSpec spec(int rounds) {
    return ConfigLoader.parse(String.join("\n", "name: rec", "rounds: " + rounds, "threads: 1", "model: logistic:30",
        "dataset: {name: breast-cancer, test_fraction: 0.2, normalize: standard}", "partition: {kind: iid, num_clients: 10}",
        "strategy: {name: fedavg, clients_per_round: 4}", "")).spec();
  }

  private RunRecorder recorder(SimulationSpec spec, PrintWriter err) {
    return RunRecorder.start(new StoreConfig(true, url()), RunRecorder.describe(spec.name(), "simulate", spec.rounds(),
        ConfigLoader.toYaml(spec), 1, null), err);
  }

  @Test
  void eachRoundIsInTheStoreWhenTheNextListenerHearsOfIt() throws Exception {
    SimulationSpec spec = spec(3);
    List<Integer> seen = new ArrayList<>();
    try (RunRecorder recorder = recorder(spec, new PrintWriter(new StringWriter()))) {
      RoundListener reader = new RoundListener() {
        @Override
        public void roundCompleted(RoundRecord record, int rounds) {
          try (RunStore other = RunStore.open(url())) { // another connection, as another process would read
            seen.add(other.rounds(recorder.id()).size());
            assertEquals(record.round() == 0 ? 0 : 4, other.participants(recorder.id()).stream()
                .filter(p -> p.round() == record.round()).count());
          }
        }
      };
      Simulator.standard().prepare(spec).run(List.of(recorder, reader));
    }
    assertEquals(List.of(1, 2, 3, 4), seen, "rounds 0..3, each stored when it completed");
  }

  @Test
  void aRunThatDiesKeepsTheRoundsItCompleted() throws Exception {
    SimulationSpec spec = spec(6);
    RoundListener crash = new RoundListener() {
      @Override
      public void roundCompleted(RoundRecord record, int rounds) {
        if (record.round() == 2) throw new IllegalStateException("simulated crash after round 2");
      }
    };
    Simulator crashing = s -> {
      Simulator.Prepared p = Simulator.standard().prepare(s);
      return new Simulator.Prepared() {
        @Override
        public String partitionSummary() {
          return p.partitionSummary();
        }

        @Override
        public io.lianbang.sim.SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
          List<RoundListener> all = new ArrayList<>(listeners);
          all.add(crash);
          return p.run(all);
        }
      };
    };
    StringWriter out = new StringWriter();
    RunSession session = new RunSession(spec, tmp.resolve("out"), new PrintWriter(out), new PrintWriter(new StringWriter()), false,
        false, new StoreConfig(true, url()), "simulate");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> session.run(crashing));
    assertEquals("simulated crash after round 2", e.getMessage());
    try (RunStore store = RunStore.open(url())) {
      StoredRun run = store.run(1).orElseThrow();
      assertEquals(RunStatus.FAILED, run.status());
      assertEquals("simulated crash after round 2", run.error());
      assertEquals(2, run.roundsDone());
      assertEquals(List.of(0, 1, 2), store.rounds(1).stream().map(r -> r.round()).toList());
    }
  }

  @Test
  void participantsCarryTheReasonsOfTheirFailures() {
    SimulationSpec spec = spec(1);
    try (RunRecorder recorder = recorder(spec, new PrintWriter(new StringWriter()))) {
      recorder.roundStarted(1, 1, 3);
      recorder.clientFinished(1, "a", true);
      recorder.clientFinished(1, "b", false);
      List<ClientFailure> failures = List.of(new ClientFailure("b", ClientFailure.Kind.INVALID, "parameters: NaN at 3"),
          new ClientFailure("c", ClientFailure.Kind.TIMEOUT, "no result in 5 s"));
      recorder.roundCompleted(new RoundRecord(1, 3, 1, failures, true, Metrics.of("train_loss", 0.5), Optional.empty(),
          Optional.of(new EvalResult(0.25, 10, Metrics.of("accuracy", 0.75))), 1.5), 1);
      try (RunStore store = RunStore.open(url())) {
        assertEquals(List.of(new Participant(1, "a", true, null), new Participant(1, "b", false, "INVALID: parameters: NaN at 3"),
            new Participant(1, "c", false, "TIMEOUT: no result in 5 s")), store.participants(recorder.id()));
        var row = store.rounds(recorder.id()).get(0);
        assertEquals(2, row.failed());
        assertEquals(0.75, row.testAccuracy());
        assertEquals(0.25, row.testLoss());
        assertEquals(0.5, row.trainLoss());
        assertTrue(Double.isNaN(row.fedAccuracy()));
      }
    }
  }

  @Test
  void epsilonIsThatOfTheLastRoundReportingIt() {
    RoundRecord r1 = new RoundRecord(1, 1, 1, List.of(), true, Metrics.of("dp_epsilon", 0.5), Optional.empty(), Optional.empty(), 0);
    RoundRecord r2 = new RoundRecord(2, 1, 1, List.of(), true, Metrics.of("dp_epsilon", 0.75), Optional.empty(), Optional.empty(), 0);
    RoundRecord r3 = new RoundRecord(3, 1, 0, List.of(), false, Metrics.empty(), Optional.empty(), Optional.empty(), 0);
    assertEquals(0.75, RunRecorder.dpEpsilon(new io.lianbang.core.federation.History(List.of(r1, r2, r3))));
    assertTrue(Double.isNaN(RunRecorder.dpEpsilon(new io.lianbang.core.federation.History(List.of(r3)))));
  }

  @Test
  void aStoreThatFailsMidRunIsReportedOnceAndTheRunGoesOn() throws Exception {
    SimulationSpec spec = spec(1);
    StringWriter err = new StringWriter();
    try (RunRecorder recorder = recorder(spec, new PrintWriter(err))) {
      RoundRecord r = new RoundRecord(1, 1, 1, List.of(), true, Metrics.empty(), Optional.empty(), Optional.empty(), 0.1);
      recorder.roundCompleted(r, 1);
      recorder.roundCompleted(r, 1); // the same round again: refused by the store
      recorder.roundCompleted(r, 1);
      recorder.finished(Double.NaN, List.of());
    }
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("lianbang: warning: cannot record round 1 of run 1 in the run store "), err.toString());
  }
}
