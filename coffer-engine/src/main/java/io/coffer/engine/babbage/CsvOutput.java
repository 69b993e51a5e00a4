package io.coffer.engine.babbage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes cells as CSV: columns sorted by key (babbage's {@code format=csv} header), RFC 4180 quoting, numbers
 * as plain decimals. Text columns are neutralised against spreadsheet formula injection; numeric columns
 * never are (a negative amount stays {@code -608400000}).
 */
public final class CsvOutput implements AutoCloseable {
    private final Writer writer;
    private final CsvWriter csv;
    private final List<String> keys;
    private final List<Boolean> text;

    /** {@code keys} in cell order; {@code text[i]} says whether column i holds text. */
    public CsvOutput(OutputStream out, List<String> keys, List<Boolean> text) {
        this.writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        this.csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(writer);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            idx.add(i);
        }
        idx.sort(Comparator.comparing(keys::get));
        this.keys = idx.stream().map(keys::get).toList();
        this.text = idx.stream().map(text::get).toList();
        csv.writeRecord(this.keys);
    }

    public void row(ObjectNode cell) {
        String[] values = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            JsonNode v = cell.get(keys.get(i));
            if (v == null || v.isNull()) {
                values[i] = "";
            } else if (v.isBigDecimal()) {
                values[i] = v.decimalValue().toPlainString();
            } else if (text.get(i)) {
                values[i] = neutralise(v.asText());
            } else {
                values[i] = v.asText();
            }
        }
        csv.writeRecord(values);
    }

    /** Prefixes {@code '} to text a spreadsheet would take for a formula. */
    public static String neutralise(String s) {
        if (s.isEmpty()) {
            return s;
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }

    @Override
    public void close() throws IOException {
        csv.flush();
        writer.flush();
    }
}
