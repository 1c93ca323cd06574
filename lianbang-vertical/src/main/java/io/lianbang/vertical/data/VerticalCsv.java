package io.lianbang.vertical.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a party's CSV file as FATE's examples lay it out: a header, then one row per id; the column
 * {@code id} holds the row id, the column {@code y} (if present) the label, every other column a
 * numeric feature. Files ending in {@code .gz} are decompressed.
 */
public final class VerticalCsv {
  private VerticalCsv() {}

  /**
   * Reads {@code file}.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file, line and column if a value is malformed
   */
  public static VerticalTable read(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = r.readLine();
      if (header == null) throw new IllegalArgumentException(file + " is empty");
      List<String> cols = Arrays.asList(header.strip().split(",", -1));
      int idCol = cols.indexOf("id");
      if (idCol < 0) throw new IllegalArgumentException(file + ": the header has no column id: " + header);
      int yCol = cols.indexOf("y");
      List<String> names = new ArrayList<>();
      for (int c = 0; c < cols.size(); c++) if (c != idCol && c != yCol) names.add(cols.get(c));
      List<String> ids = new ArrayList<>();
      List<double[]> rows = new ArrayList<>();
      List<Double> labels = new ArrayList<>();
      String line;
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) continue;
        String[] v = line.strip().split(",", -1);
        if (v.length != cols.size()) throw new IllegalArgumentException(file + " line " + lineNo + " has " + v.length + " columns, the header " + cols.size());
        double[] f = new double[names.size()];
        int k = 0;
        for (int c = 0; c < v.length; c++) {
          if (c == idCol) continue;
          double d = parse(file, lineNo, cols.get(c), v[c]);
          if (c == yCol) labels.add(d);
          else f[k++] = d;
        }
        ids.add(v[idCol]);
        rows.add(f);
      }
      double[] y = yCol < 0 ? null : labels.stream().mapToDouble(Double::doubleValue).toArray();
      return new VerticalTable(ids, y, names, rows.toArray(new double[0][]));
    }
  }

  private static double parse(Path file, int line, String column, String value) {
    try {
      double d = Double.parseDouble(value);
      if (Double.isFinite(d)) return d;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(file + " line " + line + " column " + column + ": not a finite number: " + value);
  }
}
