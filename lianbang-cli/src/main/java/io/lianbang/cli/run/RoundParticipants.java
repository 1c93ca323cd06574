package io.lianbang.cli.run;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.store.Participant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The clients of the round in progress, as a round listener hears of them: those that finished
 * (and whether they succeeded) and, when the round completes, those that failed with their
 * reasons. Not thread-safe: the listener that owns it synchronises.
 */
public final class RoundParticipants {
  private final Map<String, Boolean> finished = new TreeMap<>();

  /** A round starts: forgets the previous one. */
  public void start() {
    finished.clear();
  }

  /** {@code clientId} finished its task, successfully or not. */
  public void finished(String clientId, boolean succeeded) {
    finished.put(clientId, succeeded);
  }

  /**
   * The round's participants by client id: every client that finished, and every failure with
   * {@code KIND: message} as its reason (a failure replaces a finish of the same client).
   */
  public List<Participant> complete(RoundRecord record) {
    Map<String, Participant> participants = new TreeMap<>();
    finished.forEach((client, ok) -> participants.put(client, new Participant(record.round(), client, ok, null)));
    for (ClientFailure f : record.failures()) {
      participants.put(f.clientId(), new Participant(record.round(), f.clientId(), false, f.kind() + ": " + f.message()));
    }
    finished.clear();
    return new ArrayList<>(participants.values());
  }
}
