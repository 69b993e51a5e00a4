package io.coffer.loader;

import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;

/** FastCSV callback that copies each record's fields into one reused {@link Row}: no per-field objects; enforces the
 * {@link CsvScan} record limits. */
final class RowHandler extends CsvCallbackHandler<Row> {
    private final Row row = new Row();
    private RecordType type = RecordType.DATA;

    @Override
    protected RecordType getRecordType() {
        return type;
    }

    @Override
    protected int getFieldCount() {
        return row.size;
    }

    @Override
    protected void beginRecord(long startingLineNumber) {
        row.reset(startingLineNumber);
        type = RecordType.DATA;
    }

    @Override
    protected void addField(char[] buf, int offset, int len, boolean quoted) {
        // Checked as fields arrive, before a runaway record (no line breaks, endless columns) fills the heap.
        int used = row.size == 0 ? 0 : row.ends[row.size - 1];
        if (used + len > CsvScan.MAX_RECORD_CHARS) {
            throw new CsvScan.RecordTooLarge("the record is longer than " + CsvScan.MAX_RECORD_CHARS + " characters");
        }
        if (row.size >= CsvScan.MAX_COLUMNS * 4) {
            throw new CsvScan.RecordTooLarge("the record has more than " + (CsvScan.MAX_COLUMNS * 4) + " fields");
        }
        row.add(buf, offset, len);
    }

    @Override
    protected void setComment(char[] buf, int offset, int len) {
        type = RecordType.COMMENT;
    }

    @Override
    protected void setEmpty() {
        type = RecordType.EMPTY;
        row.emptyLine = true;
    }

    @Override
    protected Row buildRecord() {
        return row;
    }
}
