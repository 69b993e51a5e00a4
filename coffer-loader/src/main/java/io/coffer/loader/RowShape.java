package io.coffer.loader;

import java.util.List;

/** The row-level checks every pass makes: blank rows and rows with more or fewer cells than the header. */
final class RowShape {
    private RowShape() {
    }

    /** Reports a blank row; true when the row is blank (and should not be looked at further). */
    static boolean blank(Row row, long rowNumber, ErrorCollector errors) {
        if (!row.isBlank()) {
            return false;
        }
        errors.add(ErrorType.BLANK_ROW, () -> new ReportError(ErrorType.BLANK_ROW,
                "Row at position \"" + rowNumber + "\" is completely blank", "", rowNumber, null, null, null,
                row.cells(50)));
        return true;
    }

    /** Reports extra and missing cells against {@code names}. */
    static void width(Row row, long rowNumber, List<String> names, ErrorCollector errors) {
        int width = names.size();
        for (int i = width; i < row.size(); i++) {
            int col = i + 1;
            int idx = i;
            errors.add(ErrorType.EXTRA_CELL, () -> new ReportError(ErrorType.EXTRA_CELL,
                    "Row at position \"" + rowNumber + "\" has an extra value in field at position \"" + col + "\"",
                    "", rowNumber, col, null, Cells.excerpt(row.get(idx)), row.cells(50)));
        }
        for (int i = row.size(); i < width; i++) {
            int col = i + 1;
            String name = names.get(i);
            errors.add(ErrorType.MISSING_CELL, () -> new ReportError(ErrorType.MISSING_CELL,
                    "Row at position \"" + rowNumber + "\" has a missing cell in field \"" + name + "\" at position \""
                            + col + "\"", "", rowNumber, col, name, "", row.cells(50)));
        }
    }

    /** File-level problems a pass ended with: undecodable bytes, unparseable input. */
    static void outcome(CsvScan.Outcome o, CsvFormat fmt, ErrorCollector errors) {
        if (o.malformedBytes() > 0) {
            String note = o.malformedBytes() + " byte sequence(s) are not valid " + fmt.encodingName()
                    + " (read as U+FFFD), the first at byte offset " + o.firstMalformedOffset()
                    + "; set the encoding in the mapping file if it is not " + fmt.encodingName();
            errors.add(ReportError.file(ErrorType.ENCODING_ERROR, note,
                    "The data source could not be successfully decoded: " + note));
        }
        if (o.failure() != null) {
            errors.add(new ReportError(ErrorType.SOURCE_ERROR,
                    "The data source has not supported or has inconsistent contents: " + o.failure(), o.failure(),
                    o.failureRow() > 0 ? o.failureRow() : null, null, null, null, null));
        }
    }
}
