package io.coffer.loader.sheets;

import de.siegmar.fastcsv.writer.CsvWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * OpenDocument spreadsheets, read with StAX over {@code content.xml} as it is unzipped: one row in memory at a
 * time. (The Java ODS libraries build the whole document in memory; the format is simple enough to stream.)
 * Repeated rows and cells ({@code number-rows-repeated}, {@code number-columns-repeated}) are expanded, except
 * the empty ones at the end of a row or a sheet, which office suites repeat up to the sheet's size.
 */
final class OdsReader {
    static final String TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    static final String OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    static final String TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";

    private OdsReader() {
    }

    /** Receives the rows of one sheet. */
    interface Rows {
        void row(List<String> cells) throws IOException;
    }

    static List<String> sheets(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        read(file, null, names, null);
        return names;
    }

    static Spreadsheets.Converted toCsv(Path file, String sheet, CsvWriter out) throws IOException {
        List<String> names = new ArrayList<>();
        long[] rows = new long[1];
        Spreadsheets.Width width = new Spreadsheets.Width();
        boolean found = read(file, sheet, names, cells -> {
            out.writeRecord(width.shape(cells));
            rows[0]++;
        });
        if (!found) {
            throw sheet == null ? new io.coffer.model.CofferException(io.coffer.model.ErrorCode.INVALID_DATA,
                    file.getFileName() + " has no sheet") : Spreadsheets.noSheet(sheet, names);
        }
        return new Spreadsheets.Converted(sheet != null ? sheet : names.get(0), rows[0], List.copyOf(names));
    }

    /**
     * Walks content.xml; collects every sheet name into {@code names} and streams the rows of {@code sheet}
     * (null: the first) to {@code rows} (null: names only). Returns whether that sheet was found.
     */
    private static boolean read(Path file, String sheet, List<String> names, Rows rows) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry content = zip.getEntry("content.xml");
            if (content == null) {
                throw Spreadsheets.notASpreadsheet(file);
            }
            XMLInputFactory f = XMLInputFactory.newFactory();
            // No DTDs or external entities: the file is user input.
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            try (InputStream in = zip.getInputStream(content)) {
                XMLStreamReader x = f.createXMLStreamReader(in);
                try {
                    return walk(x, sheet, names, rows);
                } finally {
                    x.close();
                }
            } catch (XMLStreamException e) {
                throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.INVALID_DATA,
                        file.getFileName() + " is not a readable OpenDocument spreadsheet: " + e.getMessage());
            }
        }
    }

    private static boolean walk(XMLStreamReader x, String sheet, List<String> names, Rows rows)
            throws XMLStreamException, IOException {
        boolean found = false;
        boolean inSheet = false;
        long pendingEmptyRows = 0;
        long written = 0;
        List<String> row = null;
        long pendingEmptyCells = 0;
        int rowRepeat = 1;
        int cellRepeat = 1;
        StringBuilder text = null;
        String value = null;
        int paragraphs = 0;
        while (x.hasNext()) {
            int ev = x.next();
            if (ev == XMLStreamReader.START_ELEMENT) {
                String ns = x.getNamespaceURI();
                String name = x.getLocalName();
                if (TABLE.equals(ns) && name.equals("table")) {
                    String n = x.getAttributeValue(TABLE, "name");
                    names.add(n);
                    inSheet = rows != null && !found && (sheet == null || sheet.equals(n));
                    if (inSheet) {
                        found = true;
                    }
                    pendingEmptyRows = 0;
                } else if (!inSheet) {
                    continue;
                } else if (TABLE.equals(ns) && name.equals("table-row")) {
                    row = new ArrayList<>();
                    pendingEmptyCells = 0;
                    rowRepeat = repeat(x.getAttributeValue(TABLE, "number-rows-repeated"));
                } else if (TABLE.equals(ns) && (name.equals("table-cell") || name.equals("covered-table-cell"))) {
                    cellRepeat = repeat(x.getAttributeValue(TABLE, "number-columns-repeated"));
                    value = typedValue(x);
                    text = new StringBuilder();
                    paragraphs = 0;
                } else if (text != null && TEXT.equals(ns)) {
                    switch (name) {
                        case "p" -> {
                            if (paragraphs++ > 0) {
                                text.append('\n');
                            }
                        }
                        case "s" -> text.append(" ".repeat(Math.min(repeat(x.getAttributeValue(TEXT, "c")), 1000)));
                        case "tab" -> text.append('\t');
                        case "line-break" -> text.append('\n');
                        default -> { }
                    }
                }
            } else if (ev == XMLStreamReader.CHARACTERS || ev == XMLStreamReader.CDATA) {
                if (inSheet && text != null && paragraphs > 0) {
                    text.append(x.getText());
                }
            } else if (ev == XMLStreamReader.END_ELEMENT && inSheet) {
                String ns = x.getNamespaceURI();
                String name = x.getLocalName();
                if (TABLE.equals(ns) && (name.equals("table-cell") || name.equals("covered-table-cell")) && row != null) {
                    String v = value != null ? value : text == null ? "" : text.toString();
                    if (v.isEmpty()) {
                        pendingEmptyCells += cellRepeat;
                    } else {
                        for (; pendingEmptyCells > 0 && row.size() < Spreadsheets.MAX_COLUMNS; pendingEmptyCells--) {
                            row.add("");
                        }
                        pendingEmptyCells = 0;
                        for (int i = 0; i < cellRepeat && row.size() < Spreadsheets.MAX_COLUMNS; i++) {
                            row.add(v);
                        }
                    }
                    text = null;
                    value = null;
                } else if (TABLE.equals(ns) && name.equals("table-row") && row != null) {
                    if (row.isEmpty()) {
                        // Empty rows count only if data follows them (a sheet ends in a million repeated ones).
                        pendingEmptyRows += rowRepeat;
                    } else {
                        written += pendingEmptyRows + rowRepeat;
                        if (written > Spreadsheets.MAX_ROWS) {
                            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.INVALID_DATA,
                                    "the sheet has more than " + Spreadsheets.MAX_ROWS + " rows");
                        }
                        for (; pendingEmptyRows > 0; pendingEmptyRows--) {
                            rows.row(List.of());
                        }
                        for (int i = 0; i < rowRepeat; i++) {
                            rows.row(row);
                        }
                    }
                    row = null;
                } else if (TABLE.equals(ns) && name.equals("table")) {
                    inSheet = false;
                }
            }
        }
        return found;
    }

    /** The cell's value as the file stores it: exact decimals, ISO dates; null for text cells. */
    private static String typedValue(XMLStreamReader x) {
        String type = x.getAttributeValue(OFFICE, "value-type");
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "float", "percentage", "currency" -> {
                String v = x.getAttributeValue(OFFICE, "value");
                yield v == null ? null : Spreadsheets.plain(v);
            }
            case "date" -> {
                String v = x.getAttributeValue(OFFICE, "date-value");
                yield v != null && v.endsWith("T00:00:00") ? v.substring(0, v.length() - 9) : v;
            }
            case "time" -> x.getAttributeValue(OFFICE, "time-value");
            case "boolean" -> x.getAttributeValue(OFFICE, "boolean-value");
            default -> null;
        };
    }

    private static int repeat(String v) {
        if (v == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

}
