package io.lianbang.vertical.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.proto.DeliverAck;
import io.lianbang.vertical.proto.DeliverPart;
import io.lianbang.vertical.proto.MessageHeader;
import io.lianbang.vertical.proto.PingReply;
import io.lianbang.vertical.proto.PingRequest;
import io.lianbang.vertical.proto.VerticalTransportGrpc;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of a {@link GrpcPartyLink}: checks each delivery (run, incarnations, tag,
 * announced size, parts adding up) before and while it arrives, assembles it and puts it into
 * the link's mailbox; answers pings. The caller's party comes from {@link CallerIdentity}.
 */
final class TransportService extends VerticalTransportGrpc.VerticalTransportImplBase {
  private final GrpcPartyLink link;

  TransportService(GrpcPartyLink link) {
    this.link = link;
  }

  @Override
  public void ping(PingRequest request, StreamObserver<PingReply> reply) {
    String from = CallerIdentity.PARTY.get();
    try {
      checkRun(request.getRunId());
      contact(from, request.getIncarnation());
    } catch (StatusRuntimeException e) {
      refuse(from, "Ping", e, reply);
      return;
    }
    reply.onNext(PingReply.newBuilder().setParty(link.self()).setRunId(link.runId()).setIncarnation(link.incarnation()).build());
    reply.onCompleted();
  }

  @Override
  public StreamObserver<DeliverPart> deliver(StreamObserver<DeliverAck> ack) {
    return new Delivery(CallerIdentity.PARTY.get(), ack);
  }

  /** One Deliver call: a header, chunks, the end. Its methods are synchronized: the timer may end it concurrently. */
  private final class Delivery implements StreamObserver<DeliverPart> {
    private final String from;
    private final StreamObserver<DeliverAck> ack;
    private final ScheduledFuture<?> timer;
    private MessageHeader header;
    private int total;
    private byte[] payload; // grows with what arrives, up to total: memory follows the bytes sent, not the announcement
    private int received;
    private boolean done;

    Delivery(String from, StreamObserver<DeliverAck> ack) {
      this.from = from;
      this.ack = ack;
      long millis = link.settings().sendDeadline().toMillis();
      ScheduledFuture<?> t;
      try {
        t = link.scheduler().schedule(() -> fail(TransportRefusal.TOO_SLOW.refusal(
            "the delivery from " + from + " did not finish within " + millis + " ms (sendDeadline of " + link.self() + ")")),
            millis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) { // the link is closing
        t = null;
        done = true;
        refuse(from, "Deliver", TransportRefusal.CLOSING.refusal(link.self() + " is closing"), ack);
      }
      this.timer = t;
    }

    @Override
    public synchronized void onNext(DeliverPart part) {
      if (done) return;
      try {
        switch (part.getPartCase()) {
          case HEADER -> header(part.getHeader());
          case CHUNK -> chunk(part.getChunk().size(), part);
          default -> throw TransportRefusal.PROTOCOL_VIOLATION.refusal("a part with neither header nor chunk", "part", "empty");
        }
      } catch (StatusRuntimeException e) {
        fail(e);
      }
    }

    private void header(MessageHeader h) {
      if (header != null) throw TransportRefusal.PROTOCOL_VIOLATION.refusal("a second header in one delivery", "header", h.getTag());
      checkRun(h.getRunId());
      if (!h.getReceiverIncarnation().equals(link.incarnation())) {
        throw TransportRefusal.STALE_INCARNATION.refusal("the message is for incarnation '"
            + GrpcPartyLink.printable(h.getReceiverIncarnation()) + "' of " + link.self() + ", which is now incarnation "
            + link.incarnation() + " (it restarted)", "receiver_incarnation", GrpcPartyLink.printable(h.getReceiverIncarnation()));
      }
      contact(from, h.getSenderIncarnation());
      int maxTag = link.settings().limits().maxTagLength();
      if (h.getTag().isEmpty() || h.getTag().length() > maxTag) {
        throw TransportRefusal.INVALID_HEADER.refusal("tag must have 1 to " + maxTag + " characters, got " + h.getTag().length(),
            "tag", GrpcPartyLink.printable(h.getTag()));
      }
      long max = link.settings().limits().maxMessageBytes();
      if (h.getTotalBytes() < 0) {
        throw TransportRefusal.INVALID_HEADER.refusal("total_bytes must be >= 0, got " + h.getTotalBytes(), "total_bytes",
            Long.toString(h.getTotalBytes()));
      }
      if (h.getTotalBytes() > max) {
        throw TransportRefusal.TOO_LARGE.refusal("total_bytes " + h.getTotalBytes() + " of " + GrpcPartyLink.printable(h.getTag())
            + " exceeds maxMessageBytes " + max + " of " + link.self(), "total_bytes", Long.toString(h.getTotalBytes()));
      }
      header = h;
      total = (int) h.getTotalBytes();
      payload = new byte[Math.min(total, GrpcLinkSettings.MAX_CHUNK_BYTES)];
    }

    private void chunk(int size, DeliverPart part) {
      if (header == null) throw TransportRefusal.PROTOCOL_VIOLATION.refusal("a chunk before the header", "chunk", "before header");
      if (size > GrpcLinkSettings.MAX_CHUNK_BYTES) {
        throw TransportRefusal.PROTOCOL_VIOLATION.refusal("a chunk of " + size + " bytes, more than " + GrpcLinkSettings.MAX_CHUNK_BYTES,
            "chunk", Integer.toString(size));
      }
      if ((long) received + size > total) {
        throw TransportRefusal.PROTOCOL_VIOLATION.refusal("chunks of " + ((long) received + size) + " bytes or more, more than total_bytes "
            + total, "total_bytes", Integer.toString(total));
      }
      if (received + size > payload.length) {
        payload = Arrays.copyOf(payload, (int) Math.min(total, Math.max(2L * payload.length, received + size)));
      }
      part.getChunk().copyTo(payload, received);
      received += size;
    }

    @Override
    public synchronized void onError(Throwable t) {
      end(); // the sender cancelled or its deadline passed: drop what arrived
    }

    @Override
    public synchronized void onCompleted() {
      if (done) return;
      try {
        if (header == null) throw TransportRefusal.PROTOCOL_VIOLATION.refusal("a delivery without a header", "header", "missing");
        if (received != total) {
          throw TransportRefusal.PROTOCOL_VIOLATION.refusal("chunks of " + received + " bytes, fewer than total_bytes " + total,
              "total_bytes", Integer.toString(total));
        }
        String lost = link.peer(from).lost();
        if (lost != null) throw TransportRefusal.PEER_LOST.refusal(link.self() + " already lost " + from + ": " + lost);
        try {
          link.mailbox().deliver(from, header.getTag(), payload);
        } catch (LinkException e) {
          throw (e.reason() == LinkException.Reason.CLOSED ? TransportRefusal.CLOSING : TransportRefusal.MAILBOX_REFUSED)
              .refusal(e.getMessage(), "tag", GrpcPartyLink.printable(header.getTag()));
        }
        link.peer(from).exchanged();
        end();
        ack.onNext(DeliverAck.newBuilder().setReceivedBytes(received).build());
        ack.onCompleted();
      } catch (StatusRuntimeException e) {
        fail(e);
      }
    }

    private synchronized void fail(StatusRuntimeException e) {
      if (done) return;
      end();
      refuse(from, "Deliver", e, ack);
    }

    private void end() {
      done = true;
      payload = null;
      if (timer != null) timer.cancel(false);
    }
  }

  private void checkRun(String runId) {
    if (!runId.equals(link.runId())) {
      String shown = GrpcPartyLink.printable(runId);
      throw TransportRefusal.WRONG_RUN.refusal("run_id '" + shown + "' is not the run of " + link.self() + " ('" + link.runId() + "')",
          "run_id", shown);
    }
  }

  /** Checks and records the caller's incarnation; a restart mid-run loses the caller. */
  private void contact(String from, String incarnation) {
    if (incarnation.isEmpty() || incarnation.length() > GrpcPartyLink.MAX_INCARNATION_CHARS) {
      throw TransportRefusal.INVALID_HEADER.refusal("the incarnation must have 1 to " + GrpcPartyLink.MAX_INCARNATION_CHARS
          + " characters, got " + incarnation.length(), "incarnation", GrpcPartyLink.printable(incarnation));
    }
    PeerState peer = link.peer(from);
    String restarted = peer.contact(incarnation);
    if (restarted != null) {
      link.lose(peer, restarted);
      throw TransportRefusal.PEER_RESTARTED.refusal(link.self() + " refuses " + from + ": " + restarted, "incarnation", GrpcPartyLink.printable(incarnation));
    }
  }

  private <T> void refuse(String from, String method, StatusRuntimeException e, StreamObserver<T> observer) {
    link.warnings().warn(from + " " + TransportRefusal.of(e).map(Enum::name).orElse("?"),
        link.self() + " refused a " + method + " from " + from + ": " + e.getStatus().getDescription());
    try {
      observer.onError(e);
    } catch (RuntimeException ignored) {
      // the call was cancelled meanwhile
    }
  }
}
