package io.coffer.loader;

import io.coffer.model.Field;
import io.coffer.model.TableSchema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Finds the budget layout where a key column is filled only on the parent rows and the rows below each parent,
 * with the key empty, break the parent's amount down ("Chapter 301 ... 334,403,000" then its items). Summing
 * every row would count each amount twice (and a leading grand-total row a third time), so the rows without
 * the key are kept out of the facts. The evidence is the amounts: a column qualifies only if at least half of
 * its breakdown runs (and at least three) add up exactly to the row above them, one of them over two rows or
 * more. A probe pass over the file collects it; memory is a few decimals per candidate column.
 */
final class Breakdowns implements TableCheck.RowOutput {
    /** Candidate key columns: not measures, filled in between 5% and 60% of the rows. */
    private final int[] candidates;
    private final boolean[] measure;
    private final BigDecimal[] values;
    private final BigDecimal[][] parent;
    private final BigDecimal[][] run;
    private final long[] runLength;
    private final long[] runs;
    private final long[] exact;
    private final long[] exactLong;
    private final long[] children;

    private Breakdowns(int[] candidates, boolean[] measure) {
        this.candidates = candidates;
        this.measure = measure;
        int n = measure.length;
        this.values = new BigDecimal[n];
        this.parent = new BigDecimal[candidates.length][];
        this.run = new BigDecimal[candidates.length][n];
        this.runLength = new long[candidates.length];
        this.runs = new long[candidates.length];
        this.exact = new long[candidates.length];
        this.exactLong = new long[candidates.length];
        this.children = new long[candidates.length];
    }

    /** A probe for the schema, or null when no column could be a parent key (then no extra pass is made). */
    static Breakdowns probe(TableSchema schema, Map<String, String> columnTypes, List<ColumnProfile> profiles) {
        int n = schema.fields().size();
        boolean[] measure = new boolean[n];
        boolean anyMeasure = false;
        int[] cand = new int[n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            Field f = schema.fields().get(i);
            boolean numeric = f.type().equals("number") || f.type().equals("integer");
            if (numeric && "value".equals(columnTypes.get(f.name()))) {
                measure[i] = true;
                anyMeasure = true;
                continue;
            }
            ColumnProfile p = i < profiles.size() ? profiles.get(i) : null;
            long all = p == null ? 0 : p.nonEmpty() + p.empty();
            if (all >= 6 && p.nonEmpty() >= 3 && p.nonEmpty() * 20 >= all && p.nonEmpty() * 5 <= all * 3) {
                cand[c++] = i;
            }
        }
        return anyMeasure && c > 0 ? new Breakdowns(java.util.Arrays.copyOf(cand, c), measure) : null;
    }

    static boolean empty(Row row, int i, int[] status) {
        return i >= row.size() || status[i] == FieldCheck.MISSING || row.end(i) == row.start(i);
    }

    @Override
    public void write(Row row, long rowNumber, int[] status, FieldCheck[] checks) {
        char[] b = row.chars;
        for (int i = 0; i < measure.length; i++) {
            values[i] = null;
            if (measure[i] && i < row.size() && status[i] == FieldCheck.OK) {
                int s = row.start(i);
                values[i] = new BigDecimal(checks[i].normalised(b, s, row.end(i) - s));
            }
        }
        for (int k = 0; k < candidates.length; k++) {
            if (empty(row, candidates[k], status)) {
                if (parent[k] != null) {
                    children[k]++;
                    runLength[k]++;
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] != null) {
                            run[k][i] = run[k][i] == null ? values[i] : run[k][i].add(values[i]);
                        }
                    }
                }
            } else {
                closeRun(k);
                parent[k] = values.clone();
            }
        }
    }

    private void closeRun(int k) {
        if (parent[k] != null && runLength[k] > 0) {
            runs[k]++;
            boolean same = false;
            boolean differs = false;
            for (int i = 0; i < values.length; i++) {
                BigDecimal p = parent[k][i];
                BigDecimal r = run[k][i];
                if (p == null && r == null) {
                    continue;
                }
                if (p != null && r != null && p.compareTo(r) == 0) {
                    same = true;
                } else {
                    differs = true;
                }
            }
            if (same && !differs) {
                exact[k]++;
                if (runLength[k] >= 2) {
                    exactLong[k]++;
                }
            }
        }
        runLength[k] = 0;
        java.util.Arrays.fill(run[k], null);
    }

    /** After the probe pass: the column whose empty rows are breakdowns, or -1. */
    int decide() {
        int best = -1;
        for (int k = 0; k < candidates.length; k++) {
            closeRun(k);
            if (runs[k] >= 3 && exact[k] * 2 >= runs[k] && exactLong[k] >= 1 && (best < 0 || exact[k] > exact[best])) {
                best = k;
            }
        }
        return best < 0 ? -1 : candidates[best];
    }

    /** Why the column was chosen, for the init notes. */
    String evidence(int column) {
        for (int k = 0; k < candidates.length; k++) {
            if (candidates[k] == column) {
                return exact[k] + " of " + runs[k] + " groups of such rows add up exactly to the row above them";
            }
        }
        return "";
    }
}
