package io.lianbang.core.compress;

import java.util.Optional;

/**
 * How a federation compresses the models it sends and the updates it receives.
 *
 * <ul>
 *   <li><b>Uplink</b>: a client sends its update, the difference between the model it trained and
 *       the model it started from, encoded by {@code uplink}, with {@link ErrorFeedback} if {@code
 *       errorFeedback}. The server adds the decoded update to the model it sent.
 *   <li><b>Downlink</b>: the server sends the model encoded by {@code downlink}; clients train from
 *       the decoded model. With {@code downlinkDelta} it sends instead the encoded difference to the
 *       model of the previous round to clients that hold that model, and the exact float32 model to
 *       others ({@link Broadcast}).
 * </ul>
 *
 * Either may be absent (null): then models, respectively trained models, travel as float32.
 *
 * @param uplink the codec of updates, or null to send trained models as float32
 * @param errorFeedback whether clients keep what the uplink codec did not send and add it to their next update
 * @param downlink the codec of broadcast models, or null for float32
 * @param downlinkDelta whether the broadcast is the difference to the model of the previous round
 */
public record Compression(Codec uplink, boolean errorFeedback, Codec downlink, boolean downlinkDelta) {
  /** No compression: float32 both ways. */
  public static final Compression NONE = new Compression(null, false, null, false);

  /**
   * @throws IllegalArgumentException if error feedback is asked without an uplink codec, or a
   *     delta broadcast without a downlink codec
   */
  public Compression {
    if (errorFeedback && uplink == null) throw new IllegalArgumentException("error feedback needs an uplink codec");
    if (downlinkDelta && downlink == null) throw new IllegalArgumentException("a delta broadcast needs a downlink codec");
  }

  /** The uplink codec, if updates are encoded. */
  public Optional<Codec> uplinkCodec() {
    return Optional.ofNullable(uplink);
  }

  /** The downlink codec, if broadcasts are encoded. */
  public Optional<Codec> downlinkCodec() {
    return Optional.ofNullable(downlink);
  }
}
