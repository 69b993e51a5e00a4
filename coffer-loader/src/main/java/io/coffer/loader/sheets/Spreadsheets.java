package io.coffer.loader.sheets;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * Spreadsheets as the loader's input: what kind of file an upload is, the sheets of an .xlsx or .ods, and one
 * sheet written as a UTF-8 CSV the loader then reads like any other. Both are read as streams, row by row
 * (.xlsx through fastexcel's SAX reader, .ods through StAX over its content.xml), so a sheet of a million rows
 * needs no more memory than one row. Numbers keep the exact decimal the file stores (no double on the way),
 * dates become ISO dates.
 */
public final class Spreadsheets {
    /** What a file holds, from its first bytes and (for zips) its entries. */
    public enum Kind {
        /** Delimited text: CSV, TSV and the like. */
        TEXT,
        XLSX,
        ODS,
        EMPTY,
        /** Anything else (an image, a PDF, a legacy .xls, an unknown zip): not a table the loader reads. */
        OTHER
    }

    /** The largest number of columns a converted row may have (a sheet's used range can be absurd). */
    static final int MAX_COLUMNS = 16_384;
    /** The largest sheet office suites make (LibreOffice's 16M rows); a file claiming more is refused. */
    static final long MAX_ROWS = 16_777_216;

    private Spreadsheets() {
    }

    public static Kind kind(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        if (head.length == 0) {
            return Kind.EMPTY;
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return zipKind(file);
        }
        return looksLikeText(head) ? Kind.TEXT : Kind.OTHER;
    }

    /**
     * Text is what has no control bytes other than tab, CR, LF and form feed, or is UTF-16 (a BOM, or without
     * one the loader's NUL pattern: every other byte NUL). Other C0 bytes mean an image, a PDF, a binary.
     */
    static boolean looksLikeText(byte[] head) {
        if (head.length >= 2 && ((head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE
                || (head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF)) {
            return true;
        }
        int[] nulls = new int[2];
        boolean control = false;
        for (int i = 0; i < head.length; i++) {
            int b = head[i] & 0xff;
            if (b == 0) {
                nulls[i % 2]++;
            } else if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') {
                control = true;
            }
        }
        if (nulls[0] + nulls[1] == 0) {
            return !control;
        }
        int half = head.length / 2;
        // UTF-16 of mostly Latin text: one byte of each pair NUL, the other almost never.
        return !control && (nulls[0] >= half * 0.4 && nulls[1] <= half * 0.05
                || nulls[1] >= half * 0.4 && nulls[0] <= half * 0.05);
    }

    private static Kind zipKind(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry mime = zip.getEntry("mimetype");
            if (mime != null) {
                try (InputStream in = zip.getInputStream(mime)) {
                    String m = new String(in.readNBytes(200), StandardCharsets.US_ASCII).trim();
                    if (m.equals("application/vnd.oasis.opendocument.spreadsheet")) {
                        return Kind.ODS;
                    }
                }
            }
            return zip.getEntry("xl/workbook.xml") != null ? Kind.XLSX : Kind.OTHER;
        } catch (java.util.zip.ZipException e) {
            return Kind.OTHER;
        }
    }

    /** The sheets of a workbook, in order (hidden ones too: a publisher may keep the data in one). */
    public static List<String> sheets(Path file) throws IOException {
        return switch (kind(file)) {
            case XLSX -> {
                try (ReadableWorkbook wb = new ReadableWorkbook(file.toFile())) {
                    yield wb.getSheets().map(Sheet::getName).toList();
                }
            }
            case ODS -> OdsReader.sheets(file);
            default -> throw notASpreadsheet(file);
        };
    }

    /** A sheet written as CSV: its name, the rows written, and every sheet of the workbook. */
    public record Converted(String sheet, long rows, List<String> sheets) {
    }

    /**
     * Writes one sheet ({@code sheet} null: the first) as CSV: UTF-8, comma, LF. Empty rows stay empty rows
     * (the loader reports and drops blank ones); rows are as wide as the header, longer where they hold more.
     */
    public static Converted convert(Path file, String sheet, Path csv) throws IOException {
        Kind kind = kind(file);
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
             CsvWriter out = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(w)) {
            return switch (kind) {
                case XLSX -> xlsx(file, sheet, out);
                case ODS -> OdsReader.toCsv(file, sheet, out);
                default -> throw notASpreadsheet(file);
            };
        }
    }

    /** {@link #convert}, returning the number of rows written. */
    public static long toCsv(Path file, String sheet, Path csv) throws IOException {
        return convert(file, sheet, csv).rows();
    }

    /**
     * Rows as wide as the table: the first non-empty row (the header) sets the width; a shorter row is padded
     * with empty cells (a sheet stores no trailing empty cells), a blank row stays blank.
     */
    static final class Width {
        private int width = -1;

        List<String> shape(List<String> cells) {
            if (cells.isEmpty()) {
                return cells;
            }
            if (width < 0) {
                width = cells.size();
                return cells;
            }
            if (cells.size() >= width) {
                return cells;
            }
            List<String> padded = new ArrayList<>(cells);
            while (padded.size() < width) {
                padded.add("");
            }
            return padded;
        }
    }

    static CofferException notASpreadsheet(Path file) {
        return new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, file.getFileName()
                + " is not an .xlsx or .ods workbook");
    }

    static CofferException tooManyRows(Path file) {
        return new CofferException(ErrorCode.INVALID_DATA, file.getFileName() + " has more than " + MAX_ROWS
                + " rows in one sheet");
    }

    static CofferException noSheet(String sheet, List<String> sheets) {
        return new CofferException(ErrorCode.BAD_REQUEST, "the workbook has no sheet '" + sheet + "'; its sheets: "
                + String.join(", ", sheets));
    }

    private static Converted xlsx(Path file, String sheetName, CsvWriter out) throws IOException {
        try (ReadableWorkbook wb = new ReadableWorkbook(file.toFile(), new ReadingOptions(true, false))) {
            List<String> names = wb.getSheets().map(Sheet::getName).toList();
            Sheet sheet = sheetName == null ? wb.getFirstSheet()
                    : wb.findSheet(sheetName).orElseThrow(() -> noSheet(sheetName, names));
            long rows = 0;
            int next = 0;
            Width width = new Width();
            try (Stream<Row> s = sheet.openStream()) {
                Iterator<Row> it = s.iterator();
                while (it.hasNext()) {
                    Row r = it.next();
                    // Rows the file leaves out (nothing in them) are still rows of the table.
                    if (r.getRowNum() > MAX_ROWS) {
                        throw tooManyRows(file);
                    }
                    for (; next < r.getRowNum() - 1; next++) {
                        out.writeRecord(List.of());
                        rows++;
                    }
                    next = r.getRowNum();
                    out.writeRecord(width.shape(cells(r)));
                    rows++;
                }
            }
            return new Converted(sheet.getName(), rows, names);
        }
    }

    private static List<String> cells(Row r) {
        List<String> cells = new ArrayList<>();
        int last = -1;
        for (int i = 0; i < Math.min(r.getCellCount(), MAX_COLUMNS); i++) {
            Cell c = r.getCell(i);
            String v = c == null ? "" : text(c);
            cells.add(v);
            if (!v.isEmpty()) {
                last = i;
            }
        }
        return cells.subList(0, last + 1);
    }

    private static String text(Cell c) {
        CellType t = c.getType();
        if (t == null || t == CellType.EMPTY) {
            return "";
        }
        return switch (t) {
            case NUMBER -> isDateFormat(c.getDataFormatId(), c.getDataFormatString()) ? date(c.asDate())
                    : plain(c.getRawValue());
            case BOOLEAN -> Boolean.TRUE.equals(c.asBoolean()) ? "true" : "false";
            case FORMULA -> c.getRawValue() == null ? "" : numberOrText(c.getRawValue());
            case ERROR -> "";
            default -> c.getText() == null ? "" : c.getText();
        };
    }

    /** The decimal exactly as the file stores it (Excel writes the shortest round-trip form, maybe with E). */
    static String plain(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        try {
            return new BigDecimal(raw.trim()).toPlainString();
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    private static String numberOrText(String raw) {
        try {
            return new BigDecimal(raw.trim()).toPlainString();
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    private static String date(LocalDateTime d) {
        if (d == null) {
            return "";
        }
        return d.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? d.toLocalDate().toString() : d.toString();
    }

    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|\\[[^]]*]|\\\\.");

    /** Excel's built-in date formats (14-22) and custom formats with day or year parts. */
    static boolean isDateFormat(Integer id, String format) {
        if (id != null && id >= 14 && id <= 22) {
            return true;
        }
        if (format == null) {
            return false;
        }
        String f = QUOTED.matcher(format.toLowerCase(Locale.ROOT)).replaceAll("");
        return f.indexOf('y') >= 0 || f.indexOf('d') >= 0;
    }
}
