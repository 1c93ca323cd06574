package io.lianbang.vertical.report;

import io.lianbang.vertical.link.LinkStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one party of a vertical run sent and received, per peer and message kind, with the form each
 * kind travels in, and what the party learned: the privacy report of issue 14. Built from the
 * party's {@link LinkStats} (counts and payload bytes per direction, peer and kind) and the
 * {@link ProtocolDescription} tables of the protocols it ran; a kind no table describes is listed
 * with the form {@value #UNDOCUMENTED}, so a protocol change that adds a message without
 * documenting it shows up in every report (and fails the tests that run each protocol).
 *
 * <p>The report is written as Markdown ({@link #toMarkdown()}) and JSON ({@link #toJson()}).
 *
 * @param party the party's name
 * @param lines one line per (direction, peer, kind), received first, then by peer and kind
 * @param learned per protocol run, in the order given: what this party learned in its role
 */
public record PrivacyReport(String party, List<Line> lines, List<Learned> learned) {
  /** The form of a message kind that no protocol table describes. */
  public static final String UNDOCUMENTED = "undocumented";

  /**
   * One direction, peer and kind.
   *
   * @param sent true for messages this party sent, false for those it received
   * @param peer the other party
   * @param kind the message kind
   * @param messages how many messages
   * @param bytes their payload bytes
   * @param protocol the name of the protocol whose table describes the kind, or null
   * @param form the table's description of the kind, or {@value #UNDOCUMENTED}
   */
  public record Line(boolean sent, String peer, String kind, long messages, long bytes, String protocol, String form) {
    /** Whether no table describes this kind. */
    public boolean undocumented() {
      return protocol == null;
    }
  }

  /**
   * What the party learned from one protocol.
   *
   * @param protocol the protocol's name
   * @param role the party's role in it
   * @param what the table's text for that role, or {@value #UNDOCUMENTED}
   */
  public record Learned(String protocol, String role, String what) {}

  /**
   * A protocol a party ran, and its role there (the key of the protocol's {@code learns} table).
   *
   * @param protocol the protocol's tables
   * @param role the party's role, e.g. {@code receiver} in PSI, {@code arbiter} in hetero LR
   */
  public record Part(ProtocolDescription protocol, String role) {
    /** Both are required. */
    public Part {
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(role, "role");
    }
  }

  /** Copies the lists. */
  public PrivacyReport {
    Objects.requireNonNull(party, "party");
    lines = List.copyOf(lines);
    learned = List.copyOf(learned);
  }

  /**
   * The report of {@code party} from its link's {@code stats} and the protocols it ran; a kind is
   * described by the first of {@code parts} whose table has it.
   */
  public static PrivacyReport of(String party, LinkStats stats, List<Part> parts) {
    List<Line> lines = new ArrayList<>();
    for (Map.Entry<LinkStats.Key, LinkStats.Count> e : stats.snapshot().entrySet()) {
      LinkStats.Key k = e.getKey();
      String protocol = null;
      String form = UNDOCUMENTED;
      for (Part p : parts) {
        String f = p.protocol().messages().get(k.kind());
        if (f != null) {
          protocol = p.protocol().name();
          form = f;
          break;
        }
      }
      lines.add(new Line(k.sent(), k.peer(), k.kind(), e.getValue().messages(), e.getValue().bytes(), protocol, form));
    }
    List<Learned> learned = new ArrayList<>();
    for (Part p : parts) learned.add(new Learned(p.protocol().name(), p.role(), p.protocol().learns().getOrDefault(p.role(), UNDOCUMENTED)));
    return new PrivacyReport(party, lines, learned);
  }

  /** The kinds no table describes, in the order of {@link #lines()}, each once. */
  public List<String> undocumentedKinds() {
    return lines.stream().filter(Line::undocumented).map(Line::kind).distinct().toList();
  }

  /** Total payload bytes sent ({@code sent}) or received. */
  public long totalBytes(boolean sent) {
    return lines.stream().filter(l -> l.sent() == sent).mapToLong(Line::bytes).sum();
  }

  /** The report as Markdown: a table of what was sent, one of what was received, and what the party learned. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Privacy report: ").append(party).append("\n\n");
    table(sb, true);
    table(sb, false);
    sb.append("## What ").append(party).append(" learned\n\n");
    for (Learned l : learned) sb.append("- ").append(l.protocol()).append(" (as ").append(l.role()).append("): ").append(l.what()).append('\n');
    List<String> undocumented = undocumentedKinds();
    if (!undocumented.isEmpty()) sb.append("\nUndocumented message kinds: ").append(String.join(", ", undocumented)).append('\n');
    return sb.toString();
  }

  private void table(StringBuilder sb, boolean sent) {
    sb.append("## ").append(sent ? "Sent" : "Received").append(" (").append(totalBytes(sent)).append(" bytes)\n\n");
    sb.append("| ").append(sent ? "to" : "from").append(" | kind | messages | bytes | form |\n|---|---|---:|---:|---|\n");
    for (Line l : lines) {
      if (l.sent() != sent) continue;
      sb.append("| ").append(cell(l.peer())).append(" | `").append(cell(l.kind())).append("` | ").append(l.messages()).append(" | ")
          .append(l.bytes()).append(" | ").append(cell(l.form())).append(" |\n");
    }
    sb.append('\n');
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /**
   * The report as JSON: {@code {"party", "bytes_sent", "bytes_received", "messages": [{"direction",
   * "peer", "kind", "count", "bytes", "protocol", "form"}], "learned": [{"protocol", "role", "what"}],
   * "undocumented": [...]}}.
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n  \"party\": ").append(quote(party)).append(",\n  \"bytes_sent\": ").append(totalBytes(true))
        .append(",\n  \"bytes_received\": ").append(totalBytes(false)).append(",\n  \"messages\": [");
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("    {\"direction\": ").append(quote(l.sent() ? "sent" : "received"))
          .append(", \"peer\": ").append(quote(l.peer())).append(", \"kind\": ").append(quote(l.kind()))
          .append(", \"count\": ").append(l.messages()).append(", \"bytes\": ").append(l.bytes())
          .append(", \"protocol\": ").append(l.protocol() == null ? "null" : quote(l.protocol()))
          .append(", \"form\": ").append(quote(l.form())).append('}');
    }
    sb.append(lines.isEmpty() ? "]" : "\n  ]").append(",\n  \"learned\": [");
    for (int i = 0; i < learned.size(); i++) {
      Learned l = learned.get(i);
      sb.append(i == 0 ? "\n" : ",\n").append("    {\"protocol\": ").append(quote(l.protocol())).append(", \"role\": ")
          .append(quote(l.role())).append(", \"what\": ").append(quote(l.what())).append('}');
    }
    sb.append(learned.isEmpty() ? "]" : "\n  ]").append(",\n  \"undocumented\": [");
    List<String> u = undocumentedKinds();
    for (int i = 0; i < u.size(); i++) sb.append(i == 0 ? "" : ", ").append(quote(u.get(i)));
    return sb.append("]\n}\n").toString();
  }

  /** {@code s} as a JSON string (RFC 8259: quote, backslash and control characters escaped). */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
