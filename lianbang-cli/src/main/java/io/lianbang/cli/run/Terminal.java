package io.lianbang.cli.run;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the process is attached to an interactive terminal. */
public final class Terminal {
  private Terminal() {}

  /**
   * True if {@link System#console()} is present and, on JDK 22 and later (where a console may be
   * returned even when output is redirected), {@code Console.isTerminal()} says so.
   */
  public static boolean interactive() {
    Console c = System.console();
    if (c == null) return false;
    if ("dumb".equals(System.getenv("TERM"))) return false;
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(c);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }
}
