package io.lianbang.cli.vertical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.VerticalSpec;
import io.lianbang.cli.config.VerticalSpec.Role;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.boost.BoostModel;
import io.lianbang.vertical.boost.BoostParams;
import io.lianbang.vertical.boost.HostLookupTable;
import io.lianbang.vertical.boost.SecureBoostGuest;
import io.lianbang.vertical.boost.SecureBoostHost;
import io.lianbang.vertical.boost.SecureBoostPredictGuest;
import io.lianbang.vertical.boost.SecureBoostPredictHost;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.lr.Auc;
import io.lianbang.vertical.lr.HeteroLrArbiter;
import io.lianbang.vertical.lr.HeteroLrArbiterResult;
import io.lianbang.vertical.lr.HeteroLrGuest;
import io.lianbang.vertical.lr.HeteroLrGuestModel;
import io.lianbang.vertical.lr.HeteroLrHost;
import io.lianbang.vertical.lr.HeteroLrHostModel;
import io.lianbang.vertical.lr.HeteroLrParams;
import io.lianbang.vertical.lr.HeteroLrPredictGuest;
import io.lianbang.vertical.lr.HeteroLrPredictHost;
import io.lianbang.vertical.psi.PsiReceiver;
import io.lianbang.vertical.psi.PsiResult;
import io.lianbang.vertical.psi.PsiSender;
import io.lianbang.vertical.report.PrivacyReport;
import io.lianbang.vertical.report.ProtocolDescription;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * One party's part of a vertical job over a {@link PartyLink}: PSI between the guest and every host
 * (the arbiter takes no part), alignment of the rows in the agreed order, the seeded validation
 * split, training with the configured algorithm and the joint scoring of the training and
 * validation rows. Every step names itself ({@link #step()}) so that a failure can say where it
 * happened. Nothing is written here: {@link Result} holds the files, written by the command at the
 * end.
 */
public final class VerticalRun {
  private final VerticalSpec spec;
  private final String self;
  private final Role role;
  private final PrintWriter out;
  private volatile String step = "starting";
  private final List<PrivacyReport.Part> parts = new ArrayList<>();

  /**
   * The result of a party: its output files by name (model.json, intersection.txt, ...) and the
   * one-line summary.
   *
   * @param files file name → content
   * @param summary one line on what the party did
   */
  public record Result(Map<String, String> files, String summary) {}

  /**
   * The held-out split of an aligned intersection.
   *
   * @param train the ids trained on, in the agreed order
   * @param validation the ids held out, in the agreed order
   */
  public record Split(List<String> train, List<String> validation) {}

  /** Party {@code self} of {@code spec}, printing progress lines to {@code out}. */
  public VerticalRun(VerticalSpec spec, String self, PrintWriter out) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.self = Objects.requireNonNull(self, "self");
    this.role = spec.parties().get(self).role();
    this.out = Objects.requireNonNull(out, "out");
  }

  /** The step running now, e.g. {@code training (hetero_lr)}, for error messages. */
  public String step() {
    return step;
  }

  /**
   * PSI between the guest and every host, then the alignment: the ids all parties share, ascending.
   * The guest returns them; a host returns them if it learned its intersection (else null); the
   * arbiter is not called.
   */
  public List<String> intersect(PartyLink link, VerticalTable table) {
    VerticalSpec.Psi psi = spec.psi();
    boolean guestReceives = psi.guestReceives();
    if (role == Role.GUEST) {
      Map<String, List<String>> byHost = new LinkedHashMap<>();
      for (String h : spec.hosts()) {
        step = "PSI with " + h;
        PsiResult r = guestReceives ? new PsiReceiver(psi.settings()).run(link, h, table.ids()) : new PsiSender(psi.settings()).run(link, h, table.ids());
        print("PSI with " + h + ": " + (r.intersection() == null ? r.size() < 0 ? "intersection not revealed" : r.size() + " common ids (size only)"
            : r.intersection().size() + " common ids") + " of " + r.ownIds() + " (" + h + " has " + r.peerIds() + "), "
            + seconds(r.total().toNanos()));
        if (r.intersection() == null) return null;
        byHost.put(h, r.intersection());
      }
      parts.add(new PrivacyReport.Part(ProtocolDescription.PSI, guestReceives ? "receiver" : "sender"));
      step = "alignment";
      parts.add(new PrivacyReport.Part(AlignProtocol.DESCRIPTION, "guest"));
      return AlignProtocol.guest(link, byHost);
    }
    step = "PSI with " + spec.guest();
    PsiResult r = guestReceives ? new PsiSender(psi.settings()).run(link, spec.guest(), table.ids())
        : new PsiReceiver(psi.settings()).run(link, spec.guest(), table.ids());
    print("PSI with " + spec.guest() + ": " + (r.intersection() == null ? r.size() < 0 ? "intersection not revealed" : r.size()
        + " common ids (size only)" : r.intersection().size() + " common ids") + " of " + r.ownIds() + ", " + seconds(r.total().toNanos()));
    parts.add(new PrivacyReport.Part(ProtocolDescription.PSI, guestReceives ? "sender" : "receiver"));
    if (r.intersection() == null) return null;
    if (spec.hosts().size() > 1) {
      step = "alignment";
      parts.add(new PrivacyReport.Part(AlignProtocol.DESCRIPTION, "host"));
    }
    return AlignProtocol.host(link, spec.guest(), spec.hosts().size(), r.intersection(), psi.settings().timeout());
  }

  /**
   * How long the arbiter waits for the guest's {@code vfl.ready}: the startup window plus twice the
   * PSI deadline per host.
   */
  static java.time.Duration arbiterWait(VerticalSpec spec) {
    return spec.link().settings().startupWindow().plus(spec.psi().settings().timeout().multipliedBy(2L * spec.hosts().size()));
  }

  /**
   * The validation split of {@code ids} (ascending): shuffled with {@code Random(seed)}, the first
   * round(fraction · size) held out; both lists keep the order of {@code ids}.
   */
  public static Split split(List<String> ids, VerticalSpec.Validation v) {
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(v.seed()));
    Set<String> held = new HashSet<>(shuffled.subList(0, (int) Math.round(ids.size() * v.fraction())));
    List<String> train = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    for (String id : ids) (held.contains(id) ? validation : train).add(id);
    return new Split(train, validation);
  }

  /**
   * {@code vertical train} for this party: intersect, split, train, score. {@code table} is the
   * party's data (null for the arbiter).
   */
  public Result train(PartyLink link, VerticalTable table) {
    long start = System.nanoTime();
    Map<String, String> files = new LinkedHashMap<>();
    Split split = null;
    if (role == Role.ARBITER) {
      step = "waiting for the guest and hosts to align their rows (PSI)";
      parts.add(new PrivacyReport.Part(AlignProtocol.DESCRIPTION, "arbiter"));
      print("the guest and hosts aligned " + AlignProtocol.awaitReady(link, spec.guest(), arbiterWait(spec)) + " rows");
    } else {
      List<String> ids = intersect(link, table);
      if (ids == null) throw new IllegalStateException("this party did not learn the intersection (psi.reveal must be intersection)");
      if (ids.size() < 2) throw new IllegalStateException("the parties share " + ids.size() + " ids; training needs at least 2");
      files.put("intersection.txt", ids.isEmpty() ? "" : String.join("\n", ids) + "\n");
      split = split(ids, spec.validation());
      if (role == Role.GUEST && spec.algorithm() == VerticalSpec.Algorithm.HETERO_LR) {
        AlignProtocol.ready(link, spec.named(Role.ARBITER).get(0), ids.size());
      }
      print("aligned " + ids.size() + " rows: " + split.train().size() + " to train, " + split.validation().size() + " to validate (seed "
          + spec.validation().seed() + ")");
    }
    String algorithm = spec.algorithm().toString();
    step = "training (" + algorithm + ")";
    ObjectNode model = ConfigLoader.jsonMapper().createObjectNode();
    model.put("algorithm", algorithm).put("run_id", spec.runId()).put("party", self).put("role", role.toString());
    String scores = "";
    if (spec.algorithm() == VerticalSpec.Algorithm.HETERO_LR) {
      scores = heteroLr(link, table, split, model);
    } else {
      scores = secureBoost(link, table, split, model);
    }
    PrivacyReport report = PrivacyReport.of(self, link.stats(), parts);
    files.put("model.json", model.toPrettyString() + "\n");
    files.put("report.md", report.toMarkdown());
    files.put("report.json", report.toJson());
    String summary = self + " (" + role + "): " + algorithm + " run " + spec.runId()
        + (split == null ? "" : ", " + split.train().size() + " training and " + split.validation().size() + " validation rows") + scores
        + ", sent " + report.totalBytes(true) + " bytes, received " + report.totalBytes(false) + " bytes, " + seconds(System.nanoTime() - start);
    files.put("summary.txt", summary + "\n");
    return new Result(files, summary);
  }

  private String heteroLr(PartyLink link, VerticalTable table, Split split, ObjectNode model) {
    HeteroLrParams params = spec.heteroLr().params();
    String arbiter = spec.named(Role.ARBITER).get(0);
    List<String> hosts = spec.hosts();
    ProtocolDescription lr = ProtocolDescription.HETERO_LR;
    parts.add(new PrivacyReport.Part(lr, role.toString()));
    switch (role) {
      case ARBITER -> {
        HeteroLrArbiterResult r = new HeteroLrArbiter(params, spec.guest(), hosts).run(link);
        model.set("result", ConfigLoader.jsonMapper().valueToTree(r));
        print("trained " + r.iterations() + " iterations" + (r.converged() ? " (converged)" : ""));
        return ", " + r.iterations() + " iterations";
      }
      case HOST -> {
        VerticalTable train = table.select(split.train());
        HeteroLrHostModel m = new HeteroLrHost(params, train, spec.guest(), arbiter).run(link);
        model.set("model", ConfigLoader.jsonMapper().valueToTree(m));
        print("trained " + m.iterations() + " iterations" + (m.converged() ? " (converged)" : "") + "; scoring");
        step = "scoring the training rows";
        new HeteroLrPredictHost(m, spec.guest(), "train").run(link, train);
        if (!split.validation().isEmpty()) {
          step = "scoring the validation rows";
          new HeteroLrPredictHost(m, spec.guest(), "validation").run(link, table.select(split.validation()));
        }
        return ", " + m.iterations() + " iterations";
      }
      default -> {
        VerticalTable train = table.select(split.train());
        HeteroLrGuestModel m = new HeteroLrGuest(params, train, arbiter, hosts).run(link);
        model.set("model", ConfigLoader.jsonMapper().valueToTree(m));
        print("trained " + m.iterations() + " iterations" + (m.converged() ? " (converged)" : ""));
        step = "scoring the training rows";
        double trainAuc = Auc.of(new HeteroLrPredictGuest(m, hosts, "train", params.timeout()).run(link, train), train.labels());
        return ", " + m.iterations() + " iterations" + aucs(model, trainAuc, split, table, validation -> {
          step = "scoring the validation rows";
          return new HeteroLrPredictGuest(m, hosts, "validation", params.timeout()).run(link, validation);
        });
      }
    }
  }

  private String secureBoost(PartyLink link, VerticalTable table, Split split, ObjectNode model) {
    BoostParams params = spec.secureboost().params();
    parts.add(new PrivacyReport.Part(ProtocolDescription.SECUREBOOST, role.toString()));
    VerticalTable train = table.select(split.train());
    if (role == Role.HOST) {
      HostLookupTable lookup = new SecureBoostHost(link, spec.guest(), train, params).run();
      model.set("lookup_table", ConfigLoader.jsonMapper().valueToTree(lookup));
      print("trained " + params.trees() + " trees (" + lookup.records().size() + " splits on " + self + "'s features); scoring");
      step = "scoring the training rows";
      new SecureBoostPredictHost(link, spec.guest(), lookup, train, "train", params.receiveTimeout()).run();
      if (!split.validation().isEmpty()) {
        step = "scoring the validation rows";
        new SecureBoostPredictHost(link, spec.guest(), lookup, table.select(split.validation()), "validation", params.receiveTimeout()).run();
      }
      return ", " + params.trees() + " trees";
    }
    step = "generating a " + spec.secureboost().keyBits() + "-bit Paillier key";
    PaillierKeyPair keys = PaillierKeyPair.generate(spec.secureboost().keyBits(), new SecureRandom());
    step = "training (secureboost)";
    BoostModel m = new SecureBoostGuest(link, spec.hosts(), train, params, keys).run();
    model.set("model", ConfigLoader.jsonMapper().valueToTree(m));
    print("trained " + m.trees().size() + " trees");
    step = "scoring the training rows";
    double trainAuc = Auc.of(new SecureBoostPredictGuest(link, spec.hosts(), m, train, "train", params.receiveTimeout()).run(), train.labels());
    return ", " + m.trees().size() + " trees" + aucs(model, trainAuc, split, table, validation -> {
      step = "scoring the validation rows";
      return new SecureBoostPredictGuest(link, spec.hosts(), m, validation, "validation", params.receiveTimeout()).run();
    });
  }

  /** Prints and records the AUCs; the validation rows are scored by {@code score}. */
  private String aucs(ObjectNode model, double trainAuc, Split split, VerticalTable table,
      java.util.function.Function<VerticalTable, double[]> score) {
    model.put("train_auc", trainAuc);
    String line = String.format(Locale.ROOT, "train AUC %.4f", trainAuc);
    if (!split.validation().isEmpty()) {
      VerticalTable validation = table.select(split.validation());
      double auc = Auc.of(score.apply(validation), validation.labels());
      model.put("validation_auc", auc);
      line += String.format(Locale.ROOT, ", validation AUC %.4f", auc);
    }
    print(line);
    return ", " + line;
  }

  private void print(String line) {
    out.println(self + ": " + line);
    out.flush();
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
