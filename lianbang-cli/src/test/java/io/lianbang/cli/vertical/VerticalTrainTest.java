package io.lianbang.cli.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianbang.grpc.process.JavaProcess;
import io.lianbang.vertical.boost.BoostModel;
import io.lianbang.vertical.boost.BoostParams;
import io.lianbang.vertical.boost.GbdtReference;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.lr.Auc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang vertical train} with SecureBoost, guest and host each in a process of its own
 * over loopback mutual TLS, on FATE's breast data (the host's file holding every other row): the
 * guest's validation AUC equals the plaintext reference's, the host alone holds its split points,
 * and the privacy reports agree between sender and receiver. Hetero LR with three processes:
 * {@link VerticalLrProcessesTest}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class VerticalTrainTest {
  @TempDir Path dir;

  @Test
  void secureBoostTwoProcessesValidateAsTheReference() throws Exception {
    Path certs = VerticalFixture.certificates(dir.resolve("certs"), List.of("guest", "host"));
    Map<String, String> parties = new LinkedHashMap<>();
    parties.put("guest", "guest:" + VerticalFixture.BREAST_GUEST);
    Path hostFile = VerticalFixture.hostRows(dir, r -> r % 2 == 0);
    parties.put("host", "host:" + hostFile);
    Path config = VerticalFixture.config(dir, certs, "secureboost", parties,
        "secureboost: {trees: 2, max_depth: 2, max_bins: 16, key_bits: 1024}\nvalidation: {fraction: 0.25, seed: 7}\n");
    Map<String, JavaProcess> ps = new LinkedHashMap<>();
    try {
      for (String role : List.of("host", "guest")) {
        ps.put(role, VerticalFixture.start(dir.resolve(role + ".log"), "train", "--role", role, "-c", config.toString()));
      }
      for (Map.Entry<String, JavaProcess> e : ps.entrySet()) {
        assertEquals(0, e.getValue().waitFor(Duration.ofSeconds(180)), e.getKey() + ":\n" + String.join("\n", e.getValue().output()));
      }
    } finally {
      ps.values().forEach(JavaProcess::close);
    }
    List<String> ids = VerticalFixture.common(VerticalFixture.BREAST_GUEST, hostFile);
    // the documented split: shuffle the ascending ids with Random(seed), hold out the first round(fraction * n)
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(7));
    Set<String> held = new HashSet<>(shuffled.subList(0, (int) Math.round(ids.size() * 0.25)));
    List<String> train = ids.stream().filter(i -> !held.contains(i)).toList();
    List<String> validation = ids.stream().filter(held::contains).toList();
    VerticalTable gTrain = VerticalFixture.read(VerticalFixture.BREAST_GUEST, train);
    VerticalTable gVal = VerticalFixture.read(VerticalFixture.BREAST_GUEST, validation);
    BoostParams p = BoostParams.builder().trees(2).maxDepth(2).maxBins(16).build();
    BoostModel ref = GbdtReference.train(join(gTrain, VerticalFixture.read(hostFile, train)), gTrain.labels(), p);
    double refAuc = Auc.of(ref.predict(join(gVal, VerticalFixture.read(hostFile, validation))), gVal.labels());
    JsonNode g = VerticalFixture.json(dir.resolve("out/guest/model.json"));
    assertEquals(refAuc, g.get("validation_auc").asDouble(), 1e-12);
    assertEquals(2, g.get("model").get("trees").size());
    JsonNode lookup = VerticalFixture.json(dir.resolve("out/host/model.json")).get("lookup_table");
    int hostSplits = 0;
    for (JsonNode tree : g.get("model").get("trees")) {
      for (JsonNode node : tree.get("nodes")) {
        if (node.get("kind").asText().equals("HOST_SPLIT")) {
          hostSplits++;
          assertEquals("host", node.get("host").asText());
        }
      }
    }
    assertEquals(hostSplits, lookup.get("records").size(), "the host holds the split point of each host split of the guest's trees");
    assertFalse(g.toString().contains("feature_name"), "the guest's model names no host feature");
    Map<String, JsonNode> reports = new LinkedHashMap<>();
    for (String party : List.of("guest", "host")) reports.put(party, VerticalFixture.json(dir.resolve("out/" + party + "/report.json")));
    checkReports(reports);
    assertTrue(form(reports.get("guest"), "sent", "host", "sb.gh").contains("encrypted under the guest's Paillier key"));
  }

  private static double[][] join(VerticalTable a, VerticalTable b) {
    double[][] out = new double[a.rows()][];
    for (int r = 0; r < a.rows(); r++) {
      double[] row = new double[a.columns() + b.columns()];
      System.arraycopy(a.features()[r], 0, row, 0, a.columns());
      System.arraycopy(b.features()[r], 0, row, a.columns(), b.columns());
      out[r] = row;
    }
    return out;
  }

  static String form(JsonNode report, String direction, String peer, String kind) {
    for (JsonNode m : report.get("messages")) {
      if (m.get("direction").asText().equals(direction) && m.get("peer").asText().equals(peer) && m.get("kind").asText().equals(kind)) {
        return m.get("form").asText();
      }
    }
    throw new AssertionError("no " + direction + " " + kind + " with " + peer + " in " + report);
  }

  /** No undocumented kind; each kind a party sent to a peer is received by it in as many messages and bytes. */
  static void checkReports(Map<String, JsonNode> reports) {
    reports.forEach((party, r) -> {
      assertEquals(0, r.get("undocumented").size(), party + ": " + r.get("undocumented"));
      long sent = 0;
      for (JsonNode m : r.get("messages")) {
        if (!m.get("direction").asText().equals("sent")) continue;
        sent += m.get("bytes").asLong();
        JsonNode peer = reports.get(m.get("peer").asText());
        JsonNode back = null;
        for (JsonNode o : peer.get("messages")) {
          if (o.get("direction").asText().equals("received") && o.get("peer").asText().equals(party) && o.get("kind").equals(m.get("kind"))) back = o;
        }
        assertTrue(back != null, party + " sent " + m + " but " + m.get("peer") + " lists no such message");
        assertEquals(m.get("bytes").asLong(), back.get("bytes").asLong(), party + " -> " + m.get("peer") + " " + m.get("kind"));
        assertEquals(m.get("count").asLong(), back.get("count").asLong(), party + " -> " + m.get("peer") + " " + m.get("kind"));
      }
      assertEquals(sent, r.get("bytes_sent").asLong(), party);
      assertTrue(sent > 0, party + " sent something");
    });
  }
}
