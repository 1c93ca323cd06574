package io.lianbang.vertical.boost;

import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A host of SecureBoost prediction: answers, for the rows the guest says wait at one of its
 * records, which go left (x ≤ the record's split point), using its {@link HostLookupTable} and its
 * own rows of {@code table} (in the order shared with the guest). It refuses records not in its
 * table and rows out of range, naming them.
 */
public final class SecureBoostPredictHost {
  /** The most rounds a host serves: trees are at most 16 deep, plus the closing round. */
  public static final int MAX_ROUNDS = 18;
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final String guest;
  private final HostLookupTable lookup;
  private final VerticalTable table;
  private final String session;
  private final Wire wire;

  /**
   * A host serving prediction {@code session} for {@code guest}.
   *
   * @throws IllegalArgumentException if the session name is malformed or a record's feature is outside the table
   */
  public SecureBoostPredictHost(PartyLink link, String guest, HostLookupTable lookup, VerticalTable table, String session, Duration timeout) {
    this.guest = Objects.requireNonNull(guest, "guest");
    this.lookup = Objects.requireNonNull(lookup, "lookup");
    this.table = Objects.requireNonNull(table, "table");
    if (session == null || !SESSION.matcher(session).matches()) throw new IllegalArgumentException("session must be 1-32 of [A-Za-z0-9_-], got " + session);
    this.session = session;
    for (HostLookupTable.Entry e : lookup.records()) {
      if (e.feature() < 0 || e.feature() >= table.columns()) {
        throw new IllegalArgumentException("lookup record on feature " + e.feature() + " but table has " + table.columns() + " features");
      }
    }
    this.wire = new Wire(Objects.requireNonNull(link, "link"), "SecureBoost prediction host", timeout);
  }

  /**
   * Serves the guest until it says the prediction is done.
   *
   * @return the number of rounds served
   * @throws SecureBoostException if the guest is lost, times out, names an unknown record or a row out of range
   */
  public int run() {
    int n = table.rows();
    int size = lookup.records().size();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String tag = session + "." + round;
      PayloadWriter answer = new PayloadWriter();
      boolean more = wire.parse(guest, SecureBoostProtocol.ROUTE + "/" + tag, in -> {
        int flag = in.getInt("more");
        if (flag == 0) return false;
        if (flag != 1) throw new IllegalArgumentException("more must be 0 or 1, got " + flag);
        int count = in.getInt("records");
        if (count < 0 || count > size) throw new IllegalArgumentException("records must be in [0, " + size + "], got " + count);
        answer.putInt(count);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
          int id = in.getInt("record");
          HostLookupTable.Entry e = lookup.record(id);
          if (!seen.add(id)) throw new IllegalArgumentException("record " + id + " named twice");
          int[] rows = in.getInts("rows of record " + id, n);
          boolean[] left = new boolean[rows.length];
          for (int j = 0; j < rows.length; j++) {
            if (rows[j] < 0 || rows[j] >= n) throw new IllegalArgumentException("rows of record " + id + " must be in [0, " + n + "), got " + rows[j]);
            left[j] = table.features()[rows[j]][e.feature()] <= e.threshold();
          }
          answer.putBytes(Wire.bitmap(left));
        }
        return true;
      });
      if (!more) return round + 1;
      wire.send(guest, SecureBoostProtocol.DIRECTION + "/" + tag, answer.toByteArray());
    }
    throw new SecureBoostException("SecureBoost prediction host: the guest did not finish within " + MAX_ROUNDS + " rounds");
  }
}
