package io.lianbang.engine.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV table with a header line into a {@link Dataset}.
 *
 * <p>One column is the label: class labels for classification or a numeric target for regression.
 * An optional id column is dropped. Every other column must hold a finite decimal number in every
 * row and becomes a feature, in file order. For classification, the distinct label values are
 * mapped to classes {@code 0..k-1} in sorted order: numeric order when every value is a number
 * (so {@code 2} comes before {@code 10}), string order otherwise; {@link TabularData#classNames()}
 * keeps the original values.
 *
 * <p>Fields may be quoted with {@code "} (a doubled {@code ""} inside quotes is a quote); a field
 * cannot span lines. Surrounding spaces are trimmed, blank lines are skipped, and a UTF-8 byte order
 * mark is ignored. Malformed input fails with a {@link MalformedDataException} naming the file, the
 * line number, the column and the bad value.
 *
 * <pre>{@code
 * TabularData t = CsvReader.builder().labelColumn("target").idColumn("id").build().read(path);
 * }</pre>
 */
public final class CsvReader {
  /** What the label column holds. */
  public enum Task {
    /** Class labels, any text; mapped to class indices in sorted order. */
    CLASSIFICATION,
    /** One numeric regression target per row. */
    REGRESSION
  }

  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final String labelName;
  private final int labelIndex;
  private final String idName;
  private final int idIndex;
  private final Task task;
  private final char delimiter;

  private CsvReader(Builder b) {
    this.labelName = b.labelName;
    this.labelIndex = b.labelIndex;
    this.idName = b.idName;
    this.idIndex = b.idIndex;
    this.task = b.task;
    this.delimiter = b.delimiter;
  }

  /** A builder; by default the label is the last column, there is no id column, the task is classification and the delimiter is a comma. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of a {@link CsvReader}. */
  public static final class Builder {
    private String labelName;
    private int labelIndex = -1;
    private String idName;
    private int idIndex = -1;
    private Task task = Task.CLASSIFICATION;
    private char delimiter = ',';

    private Builder() {}

    /** The label column by header name. */
    public Builder labelColumn(String name) {
      this.labelName = requireName(name, "labelColumn");
      this.labelIndex = -1;
      return this;
    }

    /**
     * The label column by 0-based position in the file (counting the id column).
     *
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public Builder labelColumn(int index) {
      this.labelIndex = requireIndex(index, "labelColumn");
      this.labelName = null;
      return this;
    }

    /** An id column, by header name, to drop. */
    public Builder idColumn(String name) {
      this.idName = requireName(name, "idColumn");
      this.idIndex = -1;
      return this;
    }

    /**
     * An id column, by 0-based position, to drop.
     *
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public Builder idColumn(int index) {
      this.idIndex = requireIndex(index, "idColumn");
      this.idName = null;
      return this;
    }

    /** Whether the label column holds classes or a regression target. */
    public Builder task(Task task) {
      this.task = java.util.Objects.requireNonNull(task, "task");
      return this;
    }

    /**
     * The field delimiter.
     *
     * @throws IllegalArgumentException if it is a quote, a digit or a line break
     */
    public Builder delimiter(char delimiter) {
      if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || Character.isDigit(delimiter) || delimiter == '.' || delimiter == '-') {
        throw new IllegalArgumentException("csv delimiter must not be a quote, line break, digit, '.' or '-', got '" + delimiter + "'");
      }
      this.delimiter = delimiter;
      return this;
    }

    public CsvReader build() {
      return new CsvReader(this);
    }

    private static String requireName(String name, String field) {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("csv " + field + " name must not be blank, got '" + name + "'");
      return name.trim();
    }

    private static int requireIndex(int index, String field) {
      if (index < 0) throw new IllegalArgumentException("csv " + field + " index must be >= 0, got " + index);
      return index;
    }
  }

  /**
   * Reads a UTF-8 file.
   *
   * @throws MalformedDataException naming the file, line, column and value of the first problem
   * @throws IOException if the file cannot be read
   */
  public TabularData read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(file.toString(), r);
    }
  }

  /**
   * Reads from {@code reader}; {@code source} names it in error messages. Does not close the reader.
   *
   * @throws MalformedDataException naming the source, line, column and value of the first problem
   */
  public TabularData read(String source, Reader reader) throws IOException {
    BufferedReader in = reader instanceof BufferedReader br ? br : new BufferedReader(reader);
    int lineNo = 0;
    String line;
    List<String> header = null;
    do {
      line = in.readLine();
      lineNo++;
      if (line == null) throw new MalformedDataException(source, "is empty: expected a header line");
    } while (line.isBlank());
    if (line.charAt(0) == '\uFEFF') line = line.substring(1);
    header = split(source, lineNo, line);
    int columns = header.size();
    int label = resolve(source, header, labelName, labelIndex, "label", columns - 1);
    int id = idName == null && idIndex < 0 ? -1 : resolve(source, header, idName, idIndex, "id", -1);
    if (id == label) {
      throw new MalformedDataException(source, "label column and id column are the same column " + label + " ('" + header.get(label) + "')");
    }
    int[] featureCols = new int[columns - (id >= 0 ? 2 : 1)];
    List<String> featureNames = new ArrayList<>();
    for (int c = 0, k = 0; c < columns; c++) {
      if (c != label && c != id) {
        featureCols[k++] = c;
        featureNames.add(header.get(c));
      }
    }
    if (featureCols.length == 0) {
      throw new MalformedDataException(source, "header " + header + " has no feature columns besides the label" + (id >= 0 ? " and id" : ""));
    }

    FloatBuffer features = new FloatBuffer();
    FloatBuffer targets = new FloatBuffer();
    List<String> labelValues = new ArrayList<>();
    int rows = 0;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) continue;
      List<String> fields = split(source, lineNo, line);
      if (fields.size() != columns) {
        throw new MalformedDataException(source, "line " + lineNo + ": has " + fields.size() + " fields but the header has " + columns);
      }
      for (int c : featureCols) features.add(number(source, lineNo, c, header.get(c), fields.get(c)));
      String lv = fields.get(label);
      if (task == Task.REGRESSION) {
        targets.add(number(source, lineNo, label, header.get(label), lv));
      } else {
        if (lv.isEmpty()) throw bad(source, lineNo, label, header.get(label), lv, "empty class label");
        labelValues.add(lv);
      }
      rows++;
    }
    if (rows == 0) throw new MalformedDataException(source, "has a header but no data rows");

    int[] shape = {featureCols.length};
    if (task == Task.REGRESSION) {
      return new TabularData(Dataset.regression(features.toArray(), shape, targets.toArray(), 1), featureNames, header.get(label), List.of());
    }
    List<String> classes = sortedClasses(labelValues);
    Map<String, Integer> classIndex = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) classIndex.put(classes.get(i), i);
    int[] labels = new int[rows];
    for (int i = 0; i < rows; i++) labels[i] = classIndex.get(labelValues.get(i));
    return new TabularData(Dataset.classification(features.toArray(), shape, labels, classes.size()), featureNames, header.get(label), classes);
  }

  /** Distinct values in numeric order if all are numbers, else in string order. */
  static List<String> sortedClasses(List<String> values) {
    TreeSet<String> distinct = new TreeSet<>(values);
    boolean numeric = distinct.stream().allMatch(v -> NUMBER.matcher(v).matches());
    List<String> out = new ArrayList<>(distinct);
    if (numeric) out.sort(Comparator.comparingDouble(Double::parseDouble).thenComparing(Comparator.naturalOrder()));
    return out;
  }

  private static int resolve(String source, List<String> header, String name, int index, String what, int fallback) throws MalformedDataException {
    if (name != null) {
      int i = header.indexOf(name);
      if (i < 0) throw new MalformedDataException(source, what + " column '" + name + "' is not in the header " + header);
      if (header.lastIndexOf(name) != i) throw new MalformedDataException(source, what + " column '" + name + "' appears more than once in the header " + header);
      return i;
    }
    int i = index >= 0 ? index : fallback;
    if (i >= header.size()) {
      throw new MalformedDataException(source, what + " column index " + i + " is out of range: the header has " + header.size() + " columns");
    }
    return i;
  }

  private static float number(String source, int line, int col, String colName, String value) throws MalformedDataException {
    if (value.isEmpty()) throw bad(source, line, col, colName, value, "empty value");
    if (!NUMBER.matcher(value).matches()) throw bad(source, line, col, colName, value, "not a decimal number");
    float f = Float.parseFloat(value);
    if (Float.isInfinite(f)) throw bad(source, line, col, colName, value, "outside the float range");
    return f;
  }

  private static MalformedDataException bad(String source, int line, int col, String colName, String value, String problem) {
    return new MalformedDataException(source, "line " + line + ", column " + col + " ('" + colName + "'): bad value '" + value + "': " + problem);
  }

  /** Splits one line into trimmed fields, honouring double quotes. */
  private List<String> split(String source, int lineNo, String line) throws MalformedDataException {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && line.charAt(i) == ' ') i++;
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) throw new MalformedDataException(source, "line " + lineNo + ", column " + out.size() + ": unterminated quoted field");
          char ch = line.charAt(i++);
          if (ch == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(ch);
          }
        }
        while (i < n && line.charAt(i) == ' ') i++;
        if (i < n && line.charAt(i) != delimiter) {
          throw new MalformedDataException(source, "line " + lineNo + ", column " + out.size() + ": text after the closing quote");
        }
        out.add(field.toString());
      } else {
        int start = i;
        while (i < n && line.charAt(i) != delimiter) i++;
        out.add(line.substring(start, i).strip());
      }
      field.setLength(0);
      if (i >= n) return out;
      i++; // the delimiter
    }
  }

  /** A growable float array. */
  private static final class FloatBuffer {
    private float[] a = new float[1024];
    private int n;

    void add(float v) {
      if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
      a[n++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
