package io.coffer.loader;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes RFC 4180 CSV: comma, double quote, LF. A cell is quoted when it holds a comma, a quote, a line
 * break or leading/trailing whitespace (kept exactly), and when it is the only, empty cell of its row
 * (otherwise the row would read back as a blank line), and when it starts with U+FEFF.
 * Not thread-safe; the caller closes the writer.
 */
final class CsvOut {
    private final Writer out;
    private boolean first = true;
    private int cellsInRow;
    private boolean lastEmpty;

    CsvOut(Writer out) {
        this.out = out;
    }

    void cell(char[] b, int off, int len) throws IOException {
        separator();
        lastEmpty = len == 0;
        if (!needsQuotes(b, off, len)) {
            out.write(b, off, len);
            return;
        }
        out.write('"');
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '"') {
                out.write(b, start, i - start + 1);
                out.write('"');
                start = i + 1;
            }
        }
        out.write(b, start, off + len - start);
        out.write('"');
    }

    void cell(String s) throws IOException {
        char[] c = s.toCharArray();
        cell(c, 0, c.length);
    }

    void endRow() throws IOException {
        if (cellsInRow == 1 && lastEmpty) {
            out.write("\"\"");
        }
        out.write('\n');
        first = true;
        cellsInRow = 0;
    }

    private void separator() throws IOException {
        if (!first) {
            out.write(',');
        }
        first = false;
        cellsInRow++;
    }

    private static boolean needsQuotes(char[] b, int off, int len) {
        if (len == 0) {
            return false;
        }
        // A leading U+FEFF would read back as a byte-order mark and vanish.
        if (b[off] == ' ' || b[off] == '\t' || b[off] == '\uFEFF' || b[off + len - 1] == ' '
                || b[off + len - 1] == '\t') {
            return true;
        }
        for (int i = off; i < off + len; i++) {
            char c = b[i];
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }
}
