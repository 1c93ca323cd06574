package io.lianbang.privacy.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run revealed: for each client, in which form its updates left it and how many bytes it
 * sent; the differential-privacy budget spent; and the privacy parameters.
 *
 * @param clients one entry per client that took part in at least one round, by id
 * @param epsilon ε spent at {@code delta} (Balle et al. 2020 conversion); NaN without DP, infinite
 *     without noise
 * @param epsilonClassic the same with the classic conversion (Mironov 2017)
 * @param delta δ; NaN without DP
 * @param parameters the privacy settings, by YAML key
 */
public record PrivacyReport(List<Client> clients, double epsilon, double epsilonClassic, double delta,
                            Map<String, String> parameters) {
  public PrivacyReport {
    clients = List.copyOf(clients);
    parameters = Map.copyOf(new TreeMap<>(parameters));
  }

  /**
   * One client's share of the run.
   *
   * @param clientId the client
   * @param form how its updates left it: {@code plain}, {@code clipped}, {@code noised},
   *     {@code masked}, {@code masked+noised}, {@code encrypted} or {@code encrypted+noised}
   * @param rounds rounds in which it sent an update
   * @param bytesSent bytes it sent: fit results (parameters as float32, example count, metrics)
   *     and, with secure aggregation, the protocol messages; with Paillier aggregation, the
   *     ciphertexts (2·key_bits bits per entry) and the receipts
   */
  public record Client(String clientId, String form, int rounds, long bytesSent) {}

  /** A report with no clients and no DP. */
  public static PrivacyReport empty() {
    return new PrivacyReport(List.of(), Double.NaN, Double.NaN, Double.NaN, Map.of());
  }

  /** A few lines for a run's console output. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    Map<String, long[]> byForm = new TreeMap<>();
    for (Client c : clients) {
      long[] a = byForm.computeIfAbsent(c.form(), f -> new long[3]);
      a[0]++;
      a[1] += c.rounds();
      a[2] += c.bytesSent();
    }
    byForm.forEach((form, a) -> lines.add(String.format(Locale.ROOT,
        "%d clients sent %s updates: %d uploads, %.1f MB in all, %.1f kB per upload",
        a[0], form, a[1], a[2] / 1e6, a[1] == 0 ? 0.0 : a[2] / 1e3 / a[1])));
    if (!Double.isNaN(delta)) {
      lines.add(String.format(Locale.ROOT, "epsilon %.4f at delta %.1e (Balle et al. 2020; classic %.4f)", epsilon, delta, epsilonClassic));
    }
    return lines;
  }
}
