package io.lianbang.cli;

import io.lianbang.cli.config.VerticalSpec;
import io.lianbang.cli.config.VerticalSpec.Role;
import io.lianbang.cli.vertical.VerticalRun;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.grpc.GrpcPartyLink;
import io.lianbang.vertical.psi.PsiReveal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lianbang vertical train}: one party of a vertical training run. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run one party of a vertical training job: PSI between the guest and every host (the arbiter waits), the rows aligned in "
          + "the agreed order, a seeded validation split, training (hetero_lr or secureboost), joint scoring of the training and "
          + "validation rows. Writes <output>/<party>/: model.json (this party's share only), report.md and report.json (the "
          + "privacy report), intersection.txt, summary.txt, each at the end. If a peer is lost, prints one line naming it and the "
          + "step and exits with 3: run every party again with the same command, the run starts over.",
      ""
    })
final class VerticalTrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  VerticalPartyOptions options;

  @Override
  public Integer call() {
    VerticalSpec c = options.load(spec);
    String party = options.party(c, List.of(Role.GUEST, Role.HOST, Role.ARBITER));
    if (c.psi().settings().reveal() != PsiReveal.INTERSECTION) {
      throw new CliException("psi.reveal must be intersection for vertical train (every party aligns its rows), got " + c.psi().reveal());
    }
    VerticalTable table = VerticalPartyOptions.data(c, party);
    Path dir = c.output().directory().resolve(party);
    List<String> peers = new ArrayList<>(c.parties().keySet());
    peers.remove(party);
    PrintWriter out = spec.commandLine().getOut();
    VerticalRun run = new VerticalRun(c, party, out);
    GrpcPartyLink link = VerticalPartyOptions.link(c, party, peers);
    out.println(party + ": " + c.parties().get(party).role() + " of run " + c.runId() + " (" + c.algorithm() + "), listening on "
        + c.parties().get(party).address() + ", peers " + String.join(", ", peers));
    out.flush();
    return VerticalPartyOptions.run(party, link, run, spec.commandLine().getErr(), l -> {
      VerticalRun.Result r = run.train(l, table);
      VerticalPartyOptions.write(dir, r.files());
      out.println(r.summary());
      out.println(party + ": wrote " + String.join(", ", r.files().keySet()) + " in " + dir);
      out.flush();
      return 0;
    });
  }
}
