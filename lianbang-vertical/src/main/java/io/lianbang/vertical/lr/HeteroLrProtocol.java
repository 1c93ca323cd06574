package io.lianbang.vertical.lr;

import java.util.Map;

/**
 * The messages of hetero logistic regression and what each party learns: the basis of a run's
 * privacy report (with the byte counts of {@link io.lianbang.vertical.link.LinkStats}). Tags are
 * {@code kind/t.b} for iteration t and batch b, {@code kind/t} per iteration, {@code kind/0} once.
 * docs/protocol.md ("Hetero logistic regression") gives the payload fields.
 */
public final class HeteroLrProtocol {
  /** The most rows a run accepts (bounds the counts read from peers). */
  public static final int MAX_ROWS = 50_000_000;
  /** The most features one party may hold. */
  public static final int MAX_FEATURES = 1_000_000;

  /** Message kind → sender → receiver: what it contains and in which form. */
  public static final Map<String, String> MESSAGES = Map.ofEntries(
      Map.entry("lr.key", "arbiter → guest, hosts: the arbiter's Paillier public key n, in the clear"),
      Map.entry("lr.hello", "host → guest: its row and feature counts; host → arbiter: its feature count; in the clear"),
      Map.entry("lr.plan", "guest → arbiter: rows, guest gradient length, batches per iteration; guest → hosts: batches per iteration"
          + " and whether the loss is computed; in the clear"),
      Map.entry("lr.batch", "guest → hosts: the row indices of the batch, in the clear (which rows, never their labels)"),
      Map.entry("lr.forward", "host → guest: 0.25·w_h·x_h of each batch row, encrypted under the arbiter's key"),
      Map.entry("lr.loss_part", "host → guest: Σ (w_h·x_h)² over the batch and α/2·‖w_h‖², encrypted under the arbiter's key"),
      Map.entry("lr.residual", "guest → hosts: the residuals d = 0.25·wx − 0.5·y of the batch rows, encrypted under the arbiter's key"),
      Map.entry("lr.masked_gradient", "guest, hosts → arbiter: Σ d·x per own feature (and Σ d for the intercept) plus a uniform mask"
          + " in Z_n, encrypted under the arbiter's key"),
      Map.entry("lr.masked_plain", "arbiter → guest, hosts: the decrypted masked sums, uniform in Z_n"),
      Map.entry("lr.loss", "guest → arbiter: the batch size m in the clear and m times the batch's Taylor loss (with both L2"
          + " terms), encrypted under the arbiter's key (one host only)"),
      Map.entry("lr.delta_norm", "guest, hosts → arbiter: ‖Δ‖² of the party's own weights over the iteration, in the clear"
          + " (early stop WEIGHT_DIFF only)"),
      Map.entry("lr.converged", "arbiter → guest, hosts: whether training stops, in the clear"),
      Map.entry("lr.predict", "host → guest (prediction): w_h·x_h of each row to score, in the clear"));

  /** Party → what it learns beyond its own data and model share. */
  public static final Map<String, String> LEARNS = Map.of(
      "guest", "the row and feature counts of each host; during training only ciphertexts under the arbiter's key and its own"
          + " gradient, nothing of the hosts' features or weights; in prediction, each host's w_h·x_h per scored row (as in FATE)",
      "host", "the row indices of each batch and the batch count; nothing about labels, residuals or other parties' weights",
      "arbiter", "the party sizes, the batch loss (one host) or the parties' update norms (WEIGHT_DIFF), the convergence decision;"
          + " masked sums uniform in Z_n, so no gradient and no weight");

  /** The two-party variant ({@link HeteroLrTwoPartyGuest}, {@link HeteroLrTwoPartyHost}): kind → content and form. */
  public static final Map<String, String> TWO_PARTY_MESSAGES = Map.of(
      "lr2.key", "guest → host: the guest's Paillier public key n, in the clear",
      "lr2.hello", "host → guest: its row and feature counts, in the clear",
      "lr2.plan", "guest → host: batches per iteration, in the clear",
      "lr2.batch", "guest → host: the row indices of the batch, in the clear",
      "lr2.forward", "host → guest: 0.25·w_h·x_h of each batch row and α/2·‖w_h‖², in the clear",
      "lr2.residual", "guest → host: the residuals d of the batch rows, encrypted under the guest's key",
      "lr2.masked_gradient", "host → guest: Σ d·x per host feature plus a uniform mask in Z_n, encrypted under the guest's key",
      "lr2.masked_plain", "guest → host: the decrypted masked sums, uniform in Z_n",
      "lr2.delta_norm", "host → guest: ‖Δ‖² of the host's weights over the iteration, in the clear (WEIGHT_DIFF only)",
      "lr2.converged", "guest → host: whether training stops, in the clear");

  /** The two-party variant: party → what it learns beyond its own data and model share. */
  public static final Map<String, String> TWO_PARTY_LEARNS = Map.of(
      "guest", "the host's row and feature counts, its partial scores w_h·x_h of every batch row in every iteration and α/2·‖w_h‖²",
      "host", "the row indices of each batch and the convergence decision; nothing about labels or the guest's weights");

  private HeteroLrProtocol() {}

  /** The tag of kind {@code kind} in iteration {@code t}, batch {@code b}. */
  static String tag(String kind, int t, int b) {
    return kind + "/" + t + "." + b;
  }

  /** The tag of kind {@code kind} in iteration {@code t}. */
  static String tag(String kind, int t) {
    return kind + "/" + t;
  }
}
