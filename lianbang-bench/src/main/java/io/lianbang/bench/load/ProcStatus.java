package io.lianbang.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads figures of a Linux process from /proc (none elsewhere). */
final class ProcStatus {
  private ProcStatus() {}

  /** The field of a /proc/PID/status file in KiB (e.g. {@code VmHWM}), or -1 if the file or field is absent. */
  static long kib(Path status, String field) throws IOException {
    if (!Files.isReadable(status)) return -1;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
    }
    return -1;
  }

  /** The bytes process {@code pid} has read plus written through system calls, sockets included (/proc/PID/io rchar + wchar), or -1. */
  static long ioBytes(long pid) throws IOException {
    Path io = Path.of("/proc/" + pid + "/io");
    if (!Files.isReadable(io)) return -1;
    long total = 0;
    for (String line : Files.readAllLines(io)) {
      if (line.startsWith("rchar:") || line.startsWith("wchar:")) total += Long.parseLong(line.substring(6).trim());
    }
    return total;
  }
}
