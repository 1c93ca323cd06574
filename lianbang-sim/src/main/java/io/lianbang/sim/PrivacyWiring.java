package io.lianbang.sim;

import io.lianbang.core.client.Client;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.privacy.dp.ClippingClient;
import io.lianbang.privacy.dp.DpFedAvgBase;
import io.lianbang.privacy.dp.LocalDpClient;
import io.lianbang.privacy.dp.NoiseSource;
import io.lianbang.privacy.paillier.InProcessPaillierTransport;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.privacy.paillier.PaillierAggregation;
import io.lianbang.privacy.paillier.PaillierClient;
import io.lianbang.privacy.paillier.PaillierRound;
import io.lianbang.privacy.report.PrivacyReport;
import io.lianbang.privacy.secagg.InProcessSecAggTransport;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecureAggregation;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PrivacySpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * Applies a {@link PrivacySpec} to a simulation: client-side mods around each client (clipping or
 * local DP, then SecAgg masking outermost) and decorators around the strategy (DP-FedAvg, then
 * secure aggregation or Paillier aggregation outermost). Each simulated client holds its own SecAgg
 * keys; the server side reaches them only through stage messages on an in-process transport. With
 * Paillier aggregation a separate key holder object owns the private key (a fresh key pair per
 * run from a {@link SecureRandom}; the result does not depend on it, because decryption is
 * exact); clients encrypt under its public key and the server hands it only each round's
 * aggregated ciphertext.
 */
final class PrivacyWiring {
  private final PrivacySpec spec;
  private final long seed;
  private final Map<String, SecAggParticipant> participants = new TreeMap<>();
  private final List<LocalDpClient> localClients = new ArrayList<>();
  private final List<SecAggResult> secaggRounds = new ArrayList<>();
  private final Map<String, PaillierClient> encrypting = new TreeMap<>();
  private final List<PaillierRound> paillierRounds = new ArrayList<>();
  private final LocalKeyHolder keyHolder;
  private final Map<String, CountingClient> counted = new TreeMap<>();
  private Strategy strategy;

  private final int modulusBits;

  /** @param modulusBits the bits of secure aggregation's field (see {@link CompressionWiring#secAggModulusBits}) */
  PrivacyWiring(PrivacySpec spec, long seed, int modulusBits) {
    this.spec = spec;
    this.seed = seed;
    this.modulusBits = modulusBits;
    this.keyHolder = spec.paillier().enabled()
        ? LocalKeyHolder.generate(spec.paillier().keyBits(), MIN_PAILLIER_CONTRIBUTIONS, new SecureRandom())
        : null;
  }

  /** The key holder decrypts no aggregate of fewer updates than this. */
  static final int MIN_PAILLIER_CONTRIBUTIONS = 2;

  private NoiseSource noise(String label, long... path) {
    return DpWiring.noise(spec.dp(), seed, label, path);
  }

  /** The client as the privacy settings run it. */
  Client client(String id, int index, Client client) {
    switch (spec.dp().mode()) {
      case CLIENT -> client = new ClippingClient(client);
      case LOCAL -> {
        LocalDpClient l = new LocalDpClient(client, spec.dp().clip(), spec.dp().noiseMultiplier(), spec.dp().delta(),
            noise("local-dp-noise", index));
        localClients.add(l);
        client = l;
      }
      default -> { }
    }
    if (spec.secagg().enabled()) {
      SecAggClient s = new SecAggClient(client, new SecAggParticipant());
      participants.put(id, s.participant());
      client = s;
    }
    if (keyHolder != null) {
      PaillierClient p = new PaillierClient(client, keyHolder.publicKey(), new SecureRandom());
      encrypting.put(id, p);
      client = p;
    }
    CountingClient c = new CountingClient(client, spec.secagg().enabled() || keyHolder != null);
    counted.put(id, c);
    return c;
  }

  private String form() {
    DpMode dp = spec.dp().mode();
    if (spec.secagg().enabled()) return dp == DpMode.LOCAL ? "masked+noised" : "masked";
    if (spec.paillier().enabled()) return dp == DpMode.LOCAL ? "encrypted+noised" : "encrypted";
    return switch (dp) {
      case LOCAL -> "noised";
      case CLIENT -> "clipped";
      default -> "plain";
    };
  }

  /** What left each client, ε and the parameters; call after the run. */
  PrivacyReport report() {
    Map<String, Long> protocolUp = new TreeMap<>();
    for (SecAggResult r : secaggRounds()) {
      r.traffic().forEach((id, t) -> protocolUp.merge(id, t.up(), Long::sum));
    }
    for (PaillierRound r : paillierRounds()) {
      r.bytesUp().forEach((id, b) -> protocolUp.merge(id, b, Long::sum));
    }
    List<PrivacyReport.Client> clients = new ArrayList<>();
    counted.forEach((id, c) -> {
      if (c.rounds() > 0) clients.add(new PrivacyReport.Client(id, form(), c.rounds(), c.bytes() + protocolUp.getOrDefault(id, 0L)));
    });
    double eps = Double.NaN;
    double classic = Double.NaN;
    double delta = Double.NaN;
    Strategy s = strategy;
    while (s instanceof SecureAggregation || s instanceof PaillierAggregation) {
      s = s instanceof SecureAggregation sa ? sa.inner() : ((PaillierAggregation) s).inner();
    }
    if (s instanceof DpFedAvgBase dp) {
      eps = dp.spent().epsilon();
      classic = dp.spentClassic().epsilon();
      delta = dp.settings().delta();
    } else if (!localClients.isEmpty()) {
      delta = spec.dp().delta();
      eps = 0; // local DP: the largest epsilon any client spent over its own releases
      for (LocalDpClient l : localClients) {
        eps = Math.max(eps, l.spent().epsilon());
      }
    }
    Map<String, String> params = new TreeMap<>();
    params.put("secagg.enabled", String.valueOf(spec.secagg().enabled()));
    if (spec.secagg().enabled()) {
      PrivacySpec.SecAgg a = spec.secagg();
      params.put("secagg.k", a.k() == 0 ? "default (2*ceil(log2 n))" : String.valueOf(a.k()));
      params.put("secagg.threshold", a.threshold() == 0 ? "default (floor((k+1)/2)+1)" : String.valueOf(a.threshold()));
      params.put("secagg.clip_range", String.valueOf(a.clipRange()));
      params.put("secagg.modulus_bits", String.valueOf(a.modulusBits()));
      params.put("secagg.min_survivors", String.valueOf(a.minSurvivors()));
    }
    params.put("paillier.enabled", String.valueOf(spec.paillier().enabled()));
    if (spec.paillier().enabled()) {
      params.put("paillier.key_bits", String.valueOf(spec.paillier().keyBits()));
      params.put("paillier.fraction_bits", String.valueOf(PaillierClient.FRACTION_BITS));
    }
    params.put("dp.mode", spec.dp().mode().toString());
    if (spec.dp().mode() != DpMode.NONE) {
      params.put("dp.noise_multiplier", String.valueOf(spec.dp().noiseMultiplier()));
      params.put("dp.clip", String.valueOf(spec.dp().clip()));
      params.put("dp.adaptive", String.valueOf(spec.dp().adaptive()));
      params.put("dp.delta", String.valueOf(spec.dp().delta()));
      params.put("dp.noise", spec.dp().deterministicNoise() ? "seeded from the run seed (INSECURE)" : "SecureRandom");
    }
    return new PrivacyReport(clients, eps, classic, delta, params);
  }

  /** The strategy as the privacy settings run it; call after every {@link #client}. */
  Strategy strategy(Strategy base, Executor executor) {
    Strategy s = DpWiring.strategy(base, spec.dp(), seed);
    if (spec.secagg().enabled()) {
      PrivacySpec.SecAgg a = spec.secagg();
      s = new SecureAggregation(s, a.params(DpWiring.secAggMaxWeight(spec), modulusBits), new InProcessSecAggTransport(participants, executor),
          a.stageTimeout(), this::record);
    }
    if (keyHolder != null) {
      // The ciphertexts are ready when the receipts arrive; the round deadline bounds the rest.
      s = new PaillierAggregation(s, keyHolder, new InProcessPaillierTransport(encrypting, executor),
          Duration.ofSeconds(60), this::recordPaillier);
    }
    strategy = s;
    return s;
  }

  private synchronized void record(SecAggResult r) {
    secaggRounds.add(r);
  }

  private synchronized void recordPaillier(PaillierRound r) {
    paillierRounds.add(r);
  }

  /** Every round's Paillier aggregation, in round order. */
  synchronized List<PaillierRound> paillierRounds() {
    return List.copyOf(paillierRounds);
  }

  /** Every round's secure aggregation outcome, in round order. */
  synchronized List<SecAggResult> secaggRounds() {
    return List.copyOf(secaggRounds);
  }

  /** The strategy built by {@link #strategy}. */
  Strategy builtStrategy() {
    return strategy;
  }

  /** The local-DP clients, for their ε. */
  List<LocalDpClient> localClients() {
    return List.copyOf(localClients);
  }
}
