package io.lianbang.vertical.grpc;

import io.grpc.ManagedChannel;
import io.lianbang.vertical.proto.VerticalTransportGrpc;

/**
 * What a party knows of one peer: its channel, the incarnation it knows the peer by, whether the
 * peer ever answered a ping, whether they exchanged a message, consecutive missed pings, and why
 * it was lost. Thread-safe.
 */
final class PeerState {
  final String name;
  final String address;
  final ManagedChannel channel;
  final VerticalTransportGrpc.VerticalTransportStub stub;
  final VerticalTransportGrpc.VerticalTransportBlockingStub blocking;
  private String incarnation;
  private boolean reached;
  private boolean exchanged;
  private int misses;
  private boolean pinging;
  private String lost;

  PeerState(String name, String address, ManagedChannel channel) {
    this.name = name;
    this.address = address;
    this.channel = channel;
    this.stub = VerticalTransportGrpc.newStub(channel);
    this.blocking = VerticalTransportGrpc.newBlockingStub(channel);
  }

  /**
   * Records that the peer presented itself as {@code incarnation}. The first incarnation seen is
   * adopted; a different one replaces it as long as no message was exchanged (the peer restarted
   * before the run began), and otherwise means the peer restarted in the middle of the run.
   *
   * @return null if accepted, or why not (the peer restarted mid-run)
   */
  synchronized String contact(String incarnation) {
    if (this.incarnation == null || this.incarnation.equals(incarnation) || !exchanged) {
      this.incarnation = incarnation;
      return null;
    }
    return name + " restarted in the middle of the run (incarnation " + this.incarnation + ", now " + incarnation
        + "): messages of its earlier incarnation are gone; restart every party with the same command";
  }

  /** The incarnation this party knows the peer by, or null before any contact. */
  synchronized String incarnation() {
    return incarnation;
  }

  /** A message went to or came from the peer: from now on a new incarnation of it is a restart mid-run. */
  synchronized void exchanged() {
    exchanged = true;
  }

  /** The peer answered a ping. */
  synchronized void answered() {
    reached = true;
    misses = 0;
  }

  /** Whether the peer ever answered a ping. */
  synchronized boolean reached() {
    return reached;
  }

  /** One more ping failed; the number of failures in a row. */
  synchronized int missed() {
    return ++misses;
  }

  /** Starts a ping unless one is in flight; false if one is. */
  synchronized boolean startPing() {
    if (pinging) return false;
    pinging = true;
    return true;
  }

  synchronized void pingDone() {
    pinging = false;
  }

  /** Marks the peer lost; true if it was not lost before. */
  synchronized boolean markLost(String why) {
    if (lost != null) return false;
    lost = why;
    return true;
  }

  /** Why the peer was lost, or null. */
  synchronized String lost() {
    return lost;
  }
}
