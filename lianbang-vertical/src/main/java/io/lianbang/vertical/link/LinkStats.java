package io.lianbang.vertical.link;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages and payload bytes a party sent and received, per peer and message kind (the part of a
 * tag before its first {@code /}). Thread-safe; the basis of a run's privacy report.
 */
public final class LinkStats {
  /** A direction and peer and kind, e.g. sent to host-1, kind {@code lr.gradient}. */
  public record Key(boolean sent, String peer, String kind) {}

  /** Counts for one key. */
  public record Count(long messages, long bytes) {}

  private final Map<Key, LongAdder[]> counts = new ConcurrentHashMap<>();

  /** Records a message sent to {@code peer}. */
  public void sent(String peer, String tag, int bytes) {
    add(new Key(true, peer, kind(tag)), bytes);
  }

  /** Records a message received from {@code peer}. */
  public void received(String peer, String tag, int bytes) {
    add(new Key(false, peer, kind(tag)), bytes);
  }

  /** A snapshot, sorted by direction (received first), peer and kind. */
  public Map<Key, Count> snapshot() {
    Map<Key, Count> out = new TreeMap<>((a, b) -> {
      int c = Boolean.compare(a.sent(), b.sent());
      if (c == 0) c = a.peer().compareTo(b.peer());
      return c != 0 ? c : a.kind().compareTo(b.kind());
    });
    counts.forEach((k, v) -> out.put(k, new Count(v[0].sum(), v[1].sum())));
    return out;
  }

  /** Total payload bytes sent ({@code sent}) or received. */
  public long totalBytes(boolean sent) {
    long total = 0;
    for (Map.Entry<Key, LongAdder[]> e : counts.entrySet()) {
      if (e.getKey().sent() == sent) total += e.getValue()[1].sum();
    }
    return total;
  }

  /** The kind of a tag: its part before the first {@code /}. */
  public static String kind(String tag) {
    int slash = tag.indexOf('/');
    return slash < 0 ? tag : tag.substring(0, slash);
  }

  private void add(Key key, int bytes) {
    LongAdder[] c = counts.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
    c[0].increment();
    c[1].add(bytes);
  }
}
