package io.lianbang.grpc.server;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link FederationServer} knows of one client identity at a moment: whether it has a live
 * session, when the server last heard from it (a heartbeat, poll or upload), and the bytes of its
 * task calls as {@link TransportTraffic} measures them, over all its sessions.
 *
 * @param id the client's identity
 * @param connected whether it has a live session now
 * @param lastSeen when its latest session last sent anything
 * @param uplinkBytes bytes received from it in task calls
 * @param downlinkBytes bytes sent to it in parameter downloads
 */
public record ClientSnapshot(String id, boolean connected, Instant lastSeen, long uplinkBytes, long downlinkBytes) {
  public ClientSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
