package io.lianbang.grpc.keyholder;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lianbang.grpc.proto.v1.DecryptMeanRequest;
import io.lianbang.grpc.proto.v1.DecryptMeanResponse;
import io.lianbang.grpc.proto.v1.KeyHolderGrpc;
import io.lianbang.grpc.proto.v1.PublicKeyRequest;
import io.lianbang.grpc.proto.v1.PublicKeyResponse;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.LocalKeyHolder;
import io.lianbang.privacy.paillier.PaillierKeyHolder;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lianbang.v1.KeyHolder} service over a {@link LocalKeyHolder}, which keeps its rules:
 * one aggregate per round, rounds strictly increasing, none of fewer than its minimum number of
 * contributions. A request is checked before it is decrypted: more than {@code maxLength}
 * ciphertexts, or a ciphertext not in (0, n²), is refused with {@code INVALID_ARGUMENT} naming the
 * field; an aggregate the key holder will not release gets {@code FAILED_PRECONDITION} with its
 * reason.
 */
public final class KeyHolderService extends KeyHolderGrpc.KeyHolderImplBase {
  private static final Logger log = LoggerFactory.getLogger(KeyHolderService.class);

  private final LocalKeyHolder holder;
  private final int maxLength;

  /**
   * @param maxLength the most ciphertexts an aggregate may hold (the model's value count + 2)
   * @throws IllegalArgumentException if maxLength is below 3
   */
  public KeyHolderService(LocalKeyHolder holder, int maxLength) {
    this.holder = Objects.requireNonNull(holder, "holder");
    if (maxLength < 3) throw new IllegalArgumentException("max_length must be >= 3, got " + maxLength);
    this.maxLength = maxLength;
  }

  @Override
  public void getPublicKey(PublicKeyRequest request, StreamObserver<PublicKeyResponse> response) {
    response.onNext(PublicKeyResponse.newBuilder().setModulus(ByteString.copyFrom(holder.publicKey().n().toByteArray())).build());
    response.onCompleted();
  }

  @Override
  public void decryptMean(DecryptMeanRequest request, StreamObserver<DecryptMeanResponse> response) {
    int count = request.getCiphertextsCount();
    if (count < 3 || count > maxLength) {
      response.onError(refuse(Status.INVALID_ARGUMENT, "ciphertexts: " + count + " entries, expected 3 to " + maxLength));
      return;
    }
    BigInteger nSquared = holder.publicKey().nSquared();
    int maxBytes = (nSquared.bitLength() + 7) / 8 + 1;
    List<BigInteger> c = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ByteString b = request.getCiphertexts(i);
      BigInteger x = b.size() > maxBytes ? null : new BigInteger(1, b.toByteArray());
      if (x == null || x.signum() <= 0 || x.compareTo(nSquared) >= 0) {
        response.onError(refuse(Status.INVALID_ARGUMENT, "ciphertexts[" + i + "] (" + b.size() + " bytes) is not in (0, n²)"));
        return;
      }
      c.add(x);
    }
    if (request.getRound() < 0) {
      response.onError(refuse(Status.INVALID_ARGUMENT, "round " + Integer.toUnsignedString(request.getRound()) + " exceeds " + Integer.MAX_VALUE));
      return;
    }
    PaillierKeyHolder.WeightedMean mean;
    try {
      mean = holder.decryptMean(request.getRound(), EncryptedVector.of(holder.publicKey(), c));
    } catch (IllegalStateException e) {
      response.onError(refuse(Status.FAILED_PRECONDITION, e.getMessage()));
      return;
    } catch (IllegalArgumentException e) {
      response.onError(refuse(Status.INVALID_ARGUMENT, e.getMessage()));
      return;
    }
    log.info("released the weighted mean of round {}: {} contributions", request.getRound(), mean.contributions());
    DecryptMeanResponse.Builder b = DecryptMeanResponse.newBuilder().setTotalWeight(mean.totalWeight()).setContributions(mean.contributions());
    for (double v : mean.meanUpdate()) b.addMeanUpdate(v);
    response.onNext(b.build());
    response.onCompleted();
  }

  private static RuntimeException refuse(Status status, String description) {
    log.warn("refused DecryptMean: {}", description);
    return status.withDescription(description).asRuntimeException();
  }
}
