package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the dashboard shows: the runs, and one run's rounds and clients. Rounds are JSON objects
 * with the columns of {@code history.csv} ({@link DashboardJson#round}); a run's document is
 * {@code {"run": {...}, "rounds": [...], "clients": [...]}}.
 */
public interface DashboardData {
  /** The runs, newest first, each a JSON object with at least {@code id}, {@code name} and {@code status}. */
  ArrayNode runs();

  /** The document of run {@code id}, or empty if there is no such run. */
  Optional<ObjectNode> run(long id);

  /**
   * The rounds of run {@code id} after round {@code after}, in order, waiting up to {@code wait}
   * for one to complete; empty if none did.
   */
  List<ObjectNode> roundsAfter(long id, int after, Duration wait) throws InterruptedException;

  /** Whether run {@code id} has ended (or does not exist): no more rounds will come. */
  boolean over(long id);
}
