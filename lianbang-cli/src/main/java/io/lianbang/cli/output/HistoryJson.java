package io.lianbang.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a run as JSON: {@code config} (the effective configuration, with the same keys as the
 * YAML), {@code environment}, {@code rounds} (every metric of every round, and the bytes moved:
 * {@code uplink_bytes}, {@code downlink_bytes} and the run's totals so far
 * {@code total_uplink_bytes}, {@code total_downlink_bytes}) and {@code final}.
 *
 * <p>Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"}.
 */
public final class HistoryJson {
  private HistoryJson() {}

  /**
   * The document.
   *
   * @param mapper the mapper that builds nodes
   * @param config the effective configuration as a tree
   * @param environment facts about where the run ran (java version, kernels, threads)
   * @param history the rounds
   * @param seconds wall-clock duration of the whole run
   */
  public static ObjectNode document(ObjectMapper mapper, JsonNode config, Map<String, ?> environment,
      History history, double seconds) {
    ObjectNode root = mapper.createObjectNode();
    root.set("config", config);
    root.set("environment", mapper.valueToTree(environment));
    ArrayNode rounds = root.putArray("rounds");
    for (RoundRecord r : history.rounds()) rounds.add(round(mapper, r));
    ObjectNode fin = root.putObject("final");
    RoundRecord last = history.last();
    fin.put("rounds_completed", last == null ? 0 : last.round());
    RoundRecord trained = RoundValues.lastTrained(history);
    if (trained != null) fin.put("train_loss", RoundValues.trainLoss(trained));
    RoundRecord central = RoundValues.lastCentralized(history);
    if (central != null) {
      fin.put("test_round", central.round());
      fin.put("test_loss", RoundValues.testLoss(central));
      putIfMeasured(fin, "test_accuracy", RoundValues.testAccuracy(central));
    }
    RoundRecord fed = RoundValues.lastFederated(history);
    if (fed != null) {
      fin.put("fed_round", fed.round());
      fin.put("fed_loss", RoundValues.fedLoss(fed));
      putIfMeasured(fin, "fed_accuracy", RoundValues.fedAccuracy(fed));
    }
    fin.put("total_uplink_bytes", last == null ? 0 : last.totalTraffic().uplinkBytes());
    fin.put("total_downlink_bytes", last == null ? 0 : last.totalTraffic().downlinkBytes());
    fin.put("seconds", seconds);
    return root;
  }

  /** Writes {@link #document} to {@code file}, indented. */
  public static void write(ObjectMapper mapper, JsonNode document, Path file) throws IOException {
    mapper.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
  }

  private static ObjectNode round(ObjectMapper mapper, RoundRecord r) {
    ObjectNode n = mapper.createObjectNode();
    n.put("round", r.round());
    n.put("sampled", r.sampled());
    n.put("succeeded", r.succeeded());
    n.put("failed", r.failures().size());
    n.put("updated", r.updated());
    n.set("fit_metrics", metrics(mapper, r.fitMetrics()));
    eval(mapper, r.centralized()).ifPresent(e -> n.set("centralized", e));
    eval(mapper, r.federated()).ifPresent(e -> n.set("federated", e));
    if (!r.failures().isEmpty()) {
      ArrayNode failures = n.putArray("failures");
      for (ClientFailure f : r.failures()) {
        failures.addObject().put("client", f.clientId()).put("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT))
            .put("message", f.message());
      }
    }
    n.put("seconds", r.seconds());
    n.put("uplink_bytes", r.traffic().uplinkBytes());
    n.put("downlink_bytes", r.traffic().downlinkBytes());
    n.put("total_uplink_bytes", r.totalTraffic().uplinkBytes());
    n.put("total_downlink_bytes", r.totalTraffic().downlinkBytes());
    return n;
  }

  private static Optional<ObjectNode> eval(ObjectMapper mapper, Optional<EvalResult> result) {
    return result.map(e -> {
      ObjectNode n = mapper.createObjectNode();
      n.put("loss", e.loss());
      n.put("num_examples", e.numExamples());
      n.set("metrics", metrics(mapper, e.metrics()));
      return n;
    });
  }

  private static ObjectNode metrics(ObjectMapper mapper, Metrics metrics) {
    ObjectNode n = mapper.createObjectNode();
    metrics.asMap().forEach(n::put);
    return n;
  }

  private static void putIfMeasured(ObjectNode n, String key, double v) {
    if (!Double.isNaN(v)) n.put(key, v);
  }
}
