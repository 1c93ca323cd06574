package io.lianbang.cli.vertical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianbang.grpc.process.JavaProcess;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.lr.Auc;
import io.lianbang.vertical.lr.HeteroLrParams;
import io.lianbang.vertical.lr.HeteroLrReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang vertical train} with hetero LR, guest, host and arbiter each in a process of its
 * own over loopback mutual TLS, on FATE's breast data (the host's file holding every 4th row, to
 * keep the Paillier work short). The host is killed (SIGKILL) mid-training: the guest and the
 * arbiter each print one line naming the host and the step, exit with {@link PartyFailure#PEER_LOST}
 * within a bounded time and write nothing. The same three commands run again complete the run:
 * the model shares equal the plaintext reference fitted on the intersection (what an uninterrupted
 * run computes), the guest prints the reference's train AUC, and the privacy reports list each kind
 * with its form and agree between senders and receivers. (One test, so the suite runs the
 * three-process training once.)
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VerticalLrProcessesTest {
  @TempDir Path dir;

  @Test
  void killingTheHostStopsTheOthersAndTheSameCommandsRestartTheRun() throws Exception {
    Path certs = VerticalFixture.certificates(dir.resolve("certs"), List.of("guest", "host", "arbiter"));
    Path hostFile = VerticalFixture.hostRows(dir, r -> r % 4 == 0);
    Map<String, String> parties = new LinkedHashMap<>();
    parties.put("guest", "guest:" + VerticalFixture.BREAST_GUEST);
    parties.put("host", "host:" + hostFile);
    parties.put("arbiter", "arbiter");
    Path config = VerticalFixture.config(dir, certs, "hetero_lr", parties, "hetero_lr: {max_iter: 2, key_bits: 1024}\nvalidation: {fraction: 0}\n");
    Map<String, JavaProcess> ps = new LinkedHashMap<>();
    try {
      for (String role : List.of("arbiter", "host", "guest")) {
        ps.put(role, VerticalFixture.start(dir.resolve(role + "-1.log"), "train", "--role", role, "-c", config.toString()));
      }
      ps.get("host").await(l -> l.startsWith("host: aligned"), Duration.ofSeconds(90));
      Thread.sleep(500); // into the first iteration
      ps.get("host").kill();
      long killed = System.nanoTime();
      for (String party : List.of("guest", "arbiter")) {
        JavaProcess p = ps.get(party);
        String all = String.join("\n", p.output());
        assertEquals(PartyFailure.PEER_LOST, p.waitFor(Duration.ofSeconds(60)), party + ":\n" + all);
        List<String> errors = p.output().stream().filter(l -> l.startsWith("error: " + party + ", ")).toList();
        assertEquals(1, errors.size(), party + ":\n" + String.join("\n", p.output()));
        String line = errors.get(0);
        assertTrue(line.contains("lost host"), line);
        assertTrue(line.contains("run every party again with the same command"), line);
        assertTrue(line.contains(", training (hetero_lr): "), line);
        assertFalse(p.output().stream().anyMatch(l -> l.strip().startsWith("at io.lianbang")), "no stack trace:\n" + String.join("\n", p.output()));
        assertFalse(Files.exists(dir.resolve("out").resolve(party).resolve("model.json")), party + " wrote nothing");
      }
      assertTrue(System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(60));
      ps.values().forEach(JavaProcess::close);

      ps.clear();
      for (String role : List.of("arbiter", "host", "guest")) {
        ps.put(role, VerticalFixture.start(dir.resolve(role + "-2.log"), "train", "--role", role, "-c", config.toString()));
      }
      for (Map.Entry<String, JavaProcess> e : ps.entrySet()) {
        int exit = e.getValue().waitFor(Duration.ofSeconds(180));
        if (exit != 0) { // every party's output: the cause is often another party's
          StringBuilder all = new StringBuilder(e.getKey() + " exited with " + exit);
          ps.forEach((role, p) -> all.append("\n").append(role).append(":\n").append(String.join("\n", p.output())));
          fail(all.toString());
        }
      }
    } finally {
      ps.values().forEach(JavaProcess::close);
    }
    List<String> ids = VerticalFixture.common(VerticalFixture.BREAST_GUEST, hostFile);
    assertEquals(143, ids.size());
    Path out = dir.resolve("out");
    assertEquals(ids, Files.readAllLines(out.resolve("guest/intersection.txt")));
    assertEquals(ids, Files.readAllLines(out.resolve("host/intersection.txt")));
    VerticalTable guest = VerticalFixture.read(VerticalFixture.BREAST_GUEST, ids);
    VerticalTable host = VerticalFixture.read(hostFile, ids);
    HeteroLrReference.Model ref = HeteroLrReference.fit(guest, List.of(host), HeteroLrParams.builder().maxIter(2).keyBits(1024).build());
    JsonNode g = VerticalFixture.json(dir.resolve("out/guest/model.json")).get("model");
    JsonNode h = VerticalFixture.json(dir.resolve("out/host/model.json")).get("model");
    double[] gw = VerticalFixture.doubles(g.get("weights"));
    double[] hw = VerticalFixture.doubles(h.get("weights"));
    for (int i = 0; i < gw.length; i++) assertEquals(ref.guestWeights()[i], gw[i], 1e-6, "guest weight " + i);
    for (int i = 0; i < hw.length; i++) assertEquals(ref.hostWeights().get(0)[i], hw[i], 1e-6, "host weight " + i);
    assertEquals(ref.guestWeights().length, gw.length);
    assertEquals(ref.hostWeights().get(0).length, hw.length);
    assertEquals(ref.intercept(), g.get("intercept").asDouble(), 1e-6);
    assertFalse(h.has("intercept"), "the host's share has no intercept");
    assertFalse(VerticalFixture.json(out.resolve("arbiter/model.json")).has("model"), "the arbiter holds no weights");

    double auc = Auc.of(ref.probabilities(guest, List.of(host)), guest.labels());
    String printed = ps.get("guest").output().stream().filter(l -> l.contains("train AUC")).findFirst().orElseThrow();
    assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "train AUC %.4f", auc)), printed + " vs reference " + auc);
    assertTrue(auc > 0.9, "AUC " + auc);

    Map<String, JsonNode> reports = new LinkedHashMap<>();
    for (String p : List.of("guest", "host", "arbiter")) reports.put(p, VerticalFixture.json(out.resolve(p + "/report.json")));
    VerticalTrainTest.checkReports(reports);
    assertTrue(VerticalTrainTest.form(reports.get("guest"), "sent", "host", "lr.residual").contains("encrypted under the arbiter's key"));
    assertTrue(VerticalTrainTest.form(reports.get("guest"), "sent", "arbiter", "lr.masked_gradient").contains("mask"));
    assertTrue(VerticalTrainTest.form(reports.get("guest"), "sent", "host", "psi.query").contains("blinded"));
    assertTrue(VerticalTrainTest.form(reports.get("host"), "sent", "guest", "psi.sender").contains("blinded"));
    assertTrue(VerticalTrainTest.form(reports.get("guest"), "sent", "arbiter", "vfl.ready").contains("aligned rows"));
    assertTrue(Files.readString(out.resolve("guest/report.md")).contains("| host | `lr.residual` |"));
    assertEquals(1, Files.readAllLines(out.resolve("guest/summary.txt")).size());
  }
}
