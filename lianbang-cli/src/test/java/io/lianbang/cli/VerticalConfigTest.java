package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lianbang.cli.run.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configurations and flags of {@code lianbang vertical} fail before anything starts, naming the key and the value. */
class VerticalConfigTest {
  @TempDir Path dir;

  private static final String GUEST_DATA = Path.of("..", "datasets", "fate-breast", "breast_hetero_guest.csv").toAbsolutePath().normalize().toString();
  private static final String HOST_DATA = Path.of("..", "datasets", "fate-breast", "breast_hetero_host.csv").toAbsolutePath().normalize().toString();

  private Path config(String yaml) throws Exception {
    Path f = dir.resolve("v.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private String parties(String guestData) {
    return "run_id: t1\nparties:\n  guest: {role: guest, address: \"127.0.0.1:1\", data: " + guestData + "}\n"
        + "  host: {role: host, address: \"127.0.0.1:2\", data: " + HOST_DATA + "}\n  arbiter: {role: arbiter, address: \"127.0.0.1:3\"}\n";
  }

  private Cli train(Path config, String... more) {
    String[] args = new String[4 + more.length + 2];
    args[0] = "vertical";
    args[1] = "train";
    args[2] = "-c";
    args[3] = config.toString();
    System.arraycopy(more, 0, args, 4, more.length);
    args[args.length - 2] = "--role";
    args[args.length - 1] = "guest";
    return Cli.run(Simulator.standard(), args);
  }

  @Test
  void anUnknownRoleIsNamed() throws Exception {
    Cli c = Cli.run(Simulator.standard(), "vertical", "train", "-c", config(parties(GUEST_DATA)).toString(), "--role", "boss");
    c.assertBadInput("--role must be one of guest, host, arbiter, got 'boss'");
    Cli inFile = train(config(parties(GUEST_DATA).replace("role: arbiter", "role: boss")));
    inFile.assertBadInput("parties.arbiter.role must be one of guest, host, arbiter, got boss");
    Cli psi = Cli.run(Simulator.standard(), "vertical", "psi", "-c", config(parties(GUEST_DATA)).toString(), "--role", "arbiter");
    psi.assertBadInput("--role must be one of guest, host, got 'arbiter'");
  }

  @Test
  void aGuestWithoutItsDataFileIsNamed() throws Exception {
    Path missing = dir.resolve("nowhere.csv");
    train(config(parties(missing.toString()))).assertBadInput("parties.guest.data: no such file " + missing);
    train(config(parties(GUEST_DATA).replace(", data: " + GUEST_DATA, ""))).assertBadInput("parties.guest.data must be the party's CSV file, got nothing");
    train(config(parties(HOST_DATA))).assertBadInput("parties.guest.data: " + HOST_DATA + " has no label column y");
  }

  @Test
  void twoGuestsAreRefused() throws Exception {
    String yaml = parties(GUEST_DATA) + "  other: {role: guest, address: \"127.0.0.1:4\", data: " + GUEST_DATA + "}\n";
    train(config(yaml)).assertBadInput("parties must have exactly one guest (role: guest), got 2 [guest, other]");
  }

  @Test
  void anUnknownAlgorithmOrParameterIsNamed() throws Exception {
    train(config(parties(GUEST_DATA) + "algorithm: xgboost\n")).assertBadInput("algorithm must be one of hetero_lr, secureboost, got xgboost");
    train(config(parties(GUEST_DATA)), "--algorithm", "secureboost")
        .assertBadInput("parties must have no arbiter for algorithm secureboost (the guest holds the key), got [arbiter]");
    train(config(parties(GUEST_DATA)), "--set", "hetero_lr.max_iter=0").assertBadInput("hetero_lr.max_iter must be >= 1, got 0");
    train(config(parties(GUEST_DATA)), "--set", "hetero_lr.optimizer=adam")
        .assertBadInput("hetero_lr.optimizer must be one of sgd, rmsprop, got 'adam'");
    train(config(parties(GUEST_DATA)), "--set", "link.ping_interval_seconds=0")
        .assertBadInput("link.ping_interval_seconds must be in (0, 604800], got 0.0");
    train(config(parties(GUEST_DATA)), "--set", "psi.reveal=size").assertBadInput("psi.reveal must be intersection for vertical train");
    train(config(parties(GUEST_DATA) + "hetero_lr: {max_iters: 3}\n")).assertBadInput("unknown key 'max_iters' in hetero_lr");
    train(config("parties: {}\n")).assertBadInput("run_id must be");
  }

  @Test
  void aNameMustBeAPartyOfTheRole() throws Exception {
    Cli c = Cli.run(Simulator.standard(), "vertical", "train", "-c", config(parties(GUEST_DATA)).toString(), "--role", "host", "--name", "guest");
    c.assertBadInput("--name guest has role guest in parties, not --role host");
    assertFalse(Files.exists(dir.resolve("runs")));
  }
}
