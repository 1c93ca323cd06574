package io.lianbang.grpc.keyholder;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.lianbang.grpc.proto.v1.DecryptMeanRequest;
import io.lianbang.grpc.proto.v1.DecryptMeanResponse;
import io.lianbang.grpc.proto.v1.KeyHolderGrpc;
import io.lianbang.grpc.proto.v1.PublicKeyRequest;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.PaillierKeyHolder;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PaillierKeyHolder} in another process, reached over the {@code lianbang.v1.KeyHolder}
 * service: the federation server dials it, relays its public key to clients and sends it only
 * each round's aggregate. Every call has a deadline; a refusal or failure of
 * {@code DecryptMean} becomes an {@link IllegalStateException}, so the round keeps the old model.
 */
public final class RemoteKeyHolder implements PaillierKeyHolder {
  /** The largest modulus accepted from a key holder: 16384 bits. */
  private static final int MAX_MODULUS_BYTES = 2049;

  private final KeyHolderGrpc.KeyHolderBlockingStub stub;
  private final Duration timeout;
  private final PaillierPublicKey publicKey;

  /**
   * Fetches the key holder's public key over {@code channel} (which the caller owns).
   *
   * @param timeout the deadline of each call
   * @throws StatusRuntimeException if the key holder cannot be reached in time
   * @throws IllegalArgumentException if it sends a modulus that is not a Paillier modulus
   */
  public RemoteKeyHolder(Channel channel, Duration timeout) {
    this.stub = KeyHolderGrpc.newBlockingStub(Objects.requireNonNull(channel, "channel"));
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    ByteString n = call().getPublicKey(PublicKeyRequest.getDefaultInstance()).getModulus();
    if (n.size() > MAX_MODULUS_BYTES) throw new IllegalArgumentException("key holder modulus of " + n.size() + " bytes exceeds " + MAX_MODULUS_BYTES);
    this.publicKey = new PaillierPublicKey(new BigInteger(1, n.toByteArray()));
  }

  private KeyHolderGrpc.KeyHolderBlockingStub call() {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public WeightedMean decryptMean(int round, EncryptedVector aggregate) {
    if (!aggregate.key().equals(publicKey)) throw new IllegalArgumentException("aggregate is not encrypted under this key holder's key");
    DecryptMeanRequest.Builder request = DecryptMeanRequest.newBuilder().setRound(round);
    for (BigInteger c : aggregate.ciphertexts()) request.addCiphertexts(ByteString.copyFrom(c.toByteArray()));
    DecryptMeanResponse r;
    try {
      r = call().decryptMean(request.build());
    } catch (StatusRuntimeException e) {
      throw new IllegalStateException("the key holder released no mean for round " + round + ": " + e.getStatus().getCode()
          + ": " + e.getStatus().getDescription(), e);
    }
    int d = aggregate.size() - 2;
    if (r.getMeanUpdateCount() != d) {
      throw new IllegalStateException("the key holder returned " + r.getMeanUpdateCount() + " mean entries, expected " + d);
    }
    double[] mean = new double[d];
    for (int i = 0; i < d; i++) mean[i] = r.getMeanUpdate(i);
    return new WeightedMean(mean, r.getTotalWeight(), r.getContributions());
  }
}
