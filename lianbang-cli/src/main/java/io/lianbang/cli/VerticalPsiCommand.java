package io.lianbang.cli;

import io.lianbang.cli.config.VerticalSpec;
import io.lianbang.cli.config.VerticalSpec.Role;
import io.lianbang.cli.vertical.VerticalRun;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.grpc.GrpcPartyLink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lianbang vertical psi}: one side of the private set intersection between the guest and the hosts. */
@Command(name = "psi", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Run the PSI of a vertical job for one party: the guest with every host, a host with the guest (ECDH-PSI on Curve25519). "
          + "Writes the common ids, one per line in the agreed (ascending) order, to <output>/<party>/intersection.txt if this "
          + "party learns them (psi.receiver, psi.reveal), and prints the size and the time.",
      ""
    })
final class VerticalPsiCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  VerticalPartyOptions options;

  @Override
  public Integer call() {
    VerticalSpec c = options.load(spec);
    String party = options.party(c, List.of(Role.GUEST, Role.HOST));
    VerticalTable table = VerticalPartyOptions.data(c, party);
    Path dir = c.output().directory().resolve(party);
    List<String> peers = c.parties().get(party).role() == Role.GUEST ? new ArrayList<>(c.hosts()) : List.of(c.guest());
    PrintWriter out = spec.commandLine().getOut();
    VerticalRun run = new VerticalRun(c, party, out);
    GrpcPartyLink link = VerticalPartyOptions.link(c, party, peers);
    long start = System.nanoTime();
    return VerticalPartyOptions.run(party, link, run, spec.commandLine().getErr(), l -> {
      List<String> ids = run.intersect(l, table);
      String time = String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9);
      if (ids == null) {
        out.println(party + ": the intersection is not revealed to this party (psi.reveal " + c.psi().reveal() + "), " + time);
      } else {
        VerticalPartyOptions.write(dir, Map.of("intersection.txt", ids.isEmpty() ? "" : String.join("\n", ids) + "\n"));
        out.println(party + ": intersection of " + ids.size() + " ids written to " + dir.resolve("intersection.txt") + ", " + time);
      }
      out.flush();
      return 0;
    });
  }
}
