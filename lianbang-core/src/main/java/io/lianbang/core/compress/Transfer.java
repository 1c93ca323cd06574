package io.lianbang.core.compress;

import java.util.Optional;

/**
 * How one fit task's models travel: the encoded download the client may use instead of the task's
 * parameters as float32, and the codec its update must use. A transport that cannot encode (a
 * client that declared no codecs) ignores both and sends float32; the result is the same model
 * either way, because the task's parameters are what the download decodes to.
 *
 * @param uplink the codec of the client's update, or null to send the trained model as float32
 * @param errorFeedback whether the client applies error feedback to its updates
 * @param download the round's broadcast, or null if the task's parameters are not the broadcast
 */
public record Transfer(Codec uplink, boolean errorFeedback, Download download) {
  /** Float32 both ways. */
  public static final Transfer NONE = new Transfer(null, false, null);

  public Transfer {
    if (errorFeedback && uplink == null) throw new IllegalArgumentException("error feedback needs an uplink codec");
  }

  /** The uplink codec, if the update is to be encoded. */
  public Optional<Codec> uplinkCodec() {
    return Optional.ofNullable(uplink);
  }

  /** The broadcast, if the task's parameters are it. */
  public Optional<Download> broadcast() {
    return Optional.ofNullable(download);
  }
}
