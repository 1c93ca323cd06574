package io.lianbang.core.compress;

import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * The server's side of a compressed downlink: each round it turns the global model into the
 * {@link Download} every client of the round starts from. Keeps O(model) memory: the start of the
 * previous round and the current encoding.
 *
 * <ul>
 *   <li>Model mode: the encoding of the global model G; clients start from its decoding
 *       {@code dec(enc(G))}.
 *   <li>Delta mode: the first round's start is G itself (sent as float32). After that, with S the
 *       previous round's start, the encoding of {@code G − S}; the start is {@code S + dec(enc(G −
 *       S))}, which a client holding S computes bit for bit, and which every other client receives
 *       as float32. What the codec did not send stays in the next difference (server-side error
 *       feedback), so starts do not drift from the global model.
 * </ul>
 *
 * Encodings are deterministic: the randomness of round {@code r} derives from the run seed and
 * {@code r}. Not thread-safe; one instance per run.
 */
public final class Broadcast {
  private final Codec codec;
  private final boolean delta;
  private final long runSeed;
  private Parameters previous;
  private int previousRound;

  /**
   * @param codec the codec of the broadcast
   * @param delta whether to send differences to the previous round's start
   * @param runSeed the run seed
   */
  public Broadcast(Codec codec, boolean delta, long runSeed) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.delta = delta;
    this.runSeed = runSeed;
  }

  /** The start of the last round prepared, or null if none (or not in delta mode: it is not needed). */
  public Parameters previous() {
    return delta ? previous : null;
  }

  /** The round of {@link #previous()}, 0 if none. */
  public int previousRound() {
    return delta && previous != null ? previousRound : 0;
  }

  /**
   * Continues after {@code round}, whose start was {@code start} (from a checkpoint): the next
   * round's difference is to it, as if this broadcast had prepared it.
   */
  public void restore(int round, Parameters start) {
    if (round < 1) throw new IllegalArgumentException("round must be >= 1, got " + round);
    previous = Objects.requireNonNull(start, "start");
    previousRound = round;
  }

  /** Round {@code round}'s download of {@code global}. Call once per round, rounds increasing. */
  public Download prepare(int round, Parameters global) {
    long seed = Seeds.derive(runSeed, "downlink", round);
    Download d;
    if (!delta) {
      EncodedTensors e = EncodedTensors.encode(codec, global, seed);
      d = new Download(e.decodeAs(global.shapes()), e, 0);
    } else if (previous == null || !previous.sameShapes(global) || previousRound >= round) {
      d = new Download(global, null, 0);
    } else {
      EncodedTensors e = EncodedTensors.encode(codec, ParameterMath.zip(global, previous, (i, g, s) -> g - s), seed);
      d = new Download(e.addTo(previous), e, previousRound);
    }
    previous = d.start();
    previousRound = round;
    return d;
  }
}
