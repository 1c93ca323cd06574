package io.lianbang.cli;

import java.io.PrintStream;

/**
 * Ends the process on a fatal error. A JVM {@link Error} (above all {@link OutOfMemoryError}) in
 * any thread — a gRPC handler, the round loop, a timer — leaves the process in an unknown state;
 * rather than live on as a server that answers nothing sensibly, the process prints what happened
 * and halts with {@link #EXIT_CODE}. Files stay consistent: checkpoints are replaced atomically, so
 * the last completed round survives, and a restarted server resumes from it.
 */
final class FatalErrors {
  /** The exit code after a fatal error (EX_SOFTWARE of sysexits.h). */
  static final int EXIT_CODE = 70;

  private FatalErrors() {}

  /** Installs the handler for every thread that does not set its own. */
  static void install(PrintStream err) {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      if (e instanceof Error) halt(err, thread, e);
      if (previous != null) {
        previous.uncaughtException(thread, e);
      } else {
        err.println("Exception in thread \"" + thread.getName() + "\" " + e);
      }
    });
  }

  /** Reports {@code e} and halts at once, without shutdown hooks (they might need memory too). */
  static void halt(PrintStream err, Thread thread, Throwable e) {
    try {
      err.println("lianbang: fatal error in thread '" + thread.getName() + "': " + e
          + "; the process stops (a checkpoint of the last completed round is intact; restart to resume)");
      err.flush();
    } finally {
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }
}
