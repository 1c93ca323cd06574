package io.lianbang.vertical.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.boost.BoostModel;
import io.lianbang.vertical.boost.BoostParams;
import io.lianbang.vertical.boost.HostLookupTable;
import io.lianbang.vertical.boost.SecureBoostGuest;
import io.lianbang.vertical.boost.SecureBoostHost;
import io.lianbang.vertical.boost.SecureBoostPredictGuest;
import io.lianbang.vertical.boost.SecureBoostPredictHost;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkStats;
import io.lianbang.vertical.lr.HeteroLrArbiter;
import io.lianbang.vertical.lr.HeteroLrGuest;
import io.lianbang.vertical.lr.HeteroLrGuestModel;
import io.lianbang.vertical.lr.HeteroLrHost;
import io.lianbang.vertical.lr.HeteroLrHostModel;
import io.lianbang.vertical.lr.HeteroLrParams;
import io.lianbang.vertical.lr.HeteroLrPredictGuest;
import io.lianbang.vertical.lr.HeteroLrPredictHost;
import io.lianbang.vertical.psi.PsiReceiver;
import io.lianbang.vertical.psi.PsiSender;
import io.lianbang.vertical.psi.PsiSettings;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reports built from hand-made counts, and from each protocol run in memory: every kind a party
 * sends or receives is described by its protocol's table, and sender and receiver count the same
 * bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrivacyReportTest {
  private static PaillierKeyPair keys;
  private static VerticalTable guest;
  private static VerticalTable host;

  @BeforeAll
  static void setUp() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
    List<String> ids = TestData.breastGuest().ids().subList(0, 120);
    guest = TestData.breastGuest().select(ids);
    host = TestData.breastHost().select(ids);
  }

  @Test
  void handMadeCountsBecomeLinesWithTheirFormsAndTotals() {
    LinkStats stats = new LinkStats();
    stats.sent("host", "psi.query/0", 100);
    stats.sent("host", "psi.query/1", 28);
    stats.received("host", "psi.reply/0", 100);
    stats.sent("arbiter", "made.up/0", 7);
    ProtocolDescription psi = ProtocolDescription.PSI;
    PrivacyReport r = PrivacyReport.of("guest", stats, List.of(new PrivacyReport.Part(psi, "receiver")));

    assertEquals(List.of(
        new PrivacyReport.Line(false, "host", "psi.reply", 1, 100, "PSI", psi.messages().get("psi.reply")),
        new PrivacyReport.Line(true, "arbiter", "made.up", 1, 7, null, PrivacyReport.UNDOCUMENTED),
        new PrivacyReport.Line(true, "host", "psi.query", 2, 128, "PSI", psi.messages().get("psi.query"))), r.lines());
    assertEquals(List.of("made.up"), r.undocumentedKinds());
    assertEquals(135, r.totalBytes(true));
    assertEquals(100, r.totalBytes(false));
    assertEquals(List.of(new PrivacyReport.Learned("PSI", "receiver", psi.learns().get("receiver"))), r.learned());

    String md = r.toMarkdown();
    assertTrue(md.contains("## Sent (135 bytes)"), md);
    assertTrue(md.contains("| host | `psi.query` | 2 | 128 | " + psi.messages().get("psi.query") + " |"), md);
    assertTrue(md.contains("| arbiter | `made.up` | 1 | 7 | undocumented |"), md);
    assertTrue(md.contains("Undocumented message kinds: made.up"), md);
    String json = r.toJson();
    assertTrue(json.contains("\"bytes_sent\": 135,"), json);
    assertTrue(json.contains("{\"direction\": \"sent\", \"peer\": \"host\", \"kind\": \"psi.query\", \"count\": 2, \"bytes\": 128, "
        + "\"protocol\": \"PSI\", \"form\": \"" + psi.messages().get("psi.query") + "\"}"), json);
    assertTrue(json.contains("\"undocumented\": [\"made.up\"]"), json);
  }

  @Test
  void jsonStringsAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001→\"", PrivacyReport.quote("a\"b\\c\n\u0001→"));
  }

  @Test
  void psiThenHeteroLrTrainingAndScoringUseOnlyDocumentedKinds() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host", "arbiter");
    HeteroLrParams params = HeteroLrParams.builder().maxIter(2).build();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> a = pool.submit(() -> new HeteroLrArbiter(params, "guest", List.of("host"), keys).run(net.link("arbiter")));
      Future<?> h = pool.submit(() -> {
        new PsiSender(PsiSettings.DEFAULTS.withThreads(1)).run(net.link("host"), "guest", host.ids());
        HeteroLrHostModel m = new HeteroLrHost(params, host, "guest", "arbiter").run(net.link("host"));
        new HeteroLrPredictHost(m, "guest", "train").run(net.link("host"), host);
        return null;
      });
      Future<?> g = pool.submit(() -> {
        new PsiReceiver(PsiSettings.DEFAULTS.withThreads(1)).run(net.link("guest"), "host", guest.ids());
        HeteroLrGuestModel m = new HeteroLrGuest(params, guest, "arbiter", List.of("host")).run(net.link("guest"));
        return new HeteroLrPredictGuest(m, List.of("host"), "train", Duration.ofSeconds(60)).run(net.link("guest"), guest);
      });
      get(g);
      get(h);
      get(a);
    } finally {
      pool.shutdownNow();
    }
    ProtocolDescription lr = ProtocolDescription.HETERO_LR;
    ProtocolDescription psi = ProtocolDescription.PSI;
    Map<String, PrivacyReport> reports = Map.of(
        "guest", PrivacyReport.of("guest", net.link("guest").stats(), List.of(new PrivacyReport.Part(psi, "receiver"), new PrivacyReport.Part(lr, "guest"))),
        "host", PrivacyReport.of("host", net.link("host").stats(), List.of(new PrivacyReport.Part(psi, "sender"), new PrivacyReport.Part(lr, "host"))),
        "arbiter", PrivacyReport.of("arbiter", net.link("arbiter").stats(), List.of(new PrivacyReport.Part(lr, "arbiter"))));
    checkDocumentedAndConsistent(reports);
    assertTrue(reports.get("guest").lines().stream().anyMatch(l -> l.sent() && l.kind().equals("lr.residual")
        && l.form().contains("encrypted under the arbiter's key")));
    assertTrue(reports.get("host").lines().stream().anyMatch(l -> l.sent() && l.kind().equals("psi.sender") && l.form().contains("blinded")));
    assertTrue(reports.get("arbiter").lines().stream().anyMatch(l -> !l.sent() && l.kind().equals("lr.masked_gradient")));
  }

  @Test
  void secureBoostTrainingAndPredictionUseOnlyDocumentedKinds() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host");
    BoostParams params = BoostParams.builder().trees(2).maxDepth(2).maxBins(8).build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> h = pool.submit(() -> {
        HostLookupTable t = new SecureBoostHost(net.link("host"), "guest", host, params).run();
        return new SecureBoostPredictHost(net.link("host"), "guest", t, host, "train", Duration.ofSeconds(60)).run();
      });
      Future<?> g = pool.submit(() -> {
        BoostModel m = new SecureBoostGuest(net.link("guest"), List.of("host"), guest, params, keys).run();
        return new SecureBoostPredictGuest(net.link("guest"), List.of("host"), m, guest, "train", Duration.ofSeconds(60)).run();
      });
      get(g);
      get(h);
    } finally {
      pool.shutdownNow();
    }
    ProtocolDescription sb = ProtocolDescription.SECUREBOOST;
    checkDocumentedAndConsistent(Map.of(
        "guest", PrivacyReport.of("guest", net.link("guest").stats(), List.of(new PrivacyReport.Part(sb, "guest"))),
        "host", PrivacyReport.of("host", net.link("host").stats(), List.of(new PrivacyReport.Part(sb, "host")))));
  }

  /** No undocumented kind; what a party sent to a peer is, per kind, what the peer received from it. */
  private static void checkDocumentedAndConsistent(Map<String, PrivacyReport> reports) {
    reports.forEach((party, r) -> {
      assertEquals(List.of(), r.undocumentedKinds(), party);
      assertTrue(r.learned().stream().noneMatch(l -> l.what().equals(PrivacyReport.UNDOCUMENTED)), party);
      for (PrivacyReport.Line l : r.lines()) {
        if (!l.sent()) continue;
        PrivacyReport.Line back = reports.get(l.peer()).lines().stream()
            .filter(o -> !o.sent() && o.peer().equals(party) && o.kind().equals(l.kind())).findFirst().orElseThrow();
        assertEquals(l.bytes(), back.bytes(), party + " -> " + l.peer() + " " + l.kind());
        assertEquals(l.messages(), back.messages(), party + " -> " + l.peer() + " " + l.kind());
      }
      assertTrue(r.lines().stream().anyMatch(PrivacyReport.Line::sent), party + " sent something");
    });
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.get(100, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    }
  }
}
