package io.lianbang.cli;

import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.engine.nn.Models;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;

/** Replays {@link Histories#sample} to the listeners instead of training; remembers the spec. */
final class FakeSimulator implements Simulator {
  SimulationSpec spec;

  @Override
  public Prepared prepare(SimulationSpec spec) {
    this.spec = spec;
    return new Prepared() {
      @Override
      public String partitionSummary() {
        return spec.partition().numClients() + " clients, 10..90 examples each\nlabels per client: 2..10";
      }

      @Override
      public SimulationResult run(List<RoundListener> listeners) {
        History h = Histories.sample(spec.rounds());
        for (RoundRecord r : h.rounds()) {
          for (RoundListener l : listeners) {
            if (r.round() > 0) l.roundStarted(r.round(), spec.rounds(), r.sampled());
            for (int c = 0; c < r.sampled(); c++) l.clientFinished(r.round(), "client-" + c, c < r.succeeded());
            l.roundCompleted(r, spec.rounds());
          }
        }
        return new SimulationResult(spec, new RunResult(Models.create(spec.model(), spec.seed()).parameters(), h), "scalar", 3.5);
      }
    };
  }
}
