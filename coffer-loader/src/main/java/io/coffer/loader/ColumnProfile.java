package io.coffer.loader;

/**
 * What inference saw in one column, for the fiscal suggester and the web wizard.
 *
 * @param name            field name
 * @param label           header label as read (may differ: trimmed, de-duplicated, type suffix removed)
 * @param type            inferred Table Schema type
 * @param nonEmpty        cells with a value
 * @param empty           missing cells
 * @param distinct        distinct values, counted up to {@code 1000}
 * @param distinctCapped  true when there are at least 1000 distinct values
 * @param maxLength       longest value, in chars
 * @param fiscalYearText  every value is a fiscal year like {@code 2018/19} (kept as text)
 * @param numbers         how the numbers of a number or integer column are written, or null
 */
public record ColumnProfile(String name, String label, String type, long nonEmpty, long empty, int distinct,
                            boolean distinctCapped, int maxLength, boolean fiscalYearText, Numbers numbers) {
    public ColumnProfile(String name, String label, String type, long nonEmpty, long empty, int distinct,
                         boolean distinctCapped, int maxLength, boolean fiscalYearText) {
        this(name, label, type, nonEmpty, empty, distinct, distinctCapped, maxLength, fiscalYearText, null);
    }

    /**
     * What the cells of a numeric column look like, for telling amounts from identifiers.
     *
     * @param affixCells        cells with a currency sign or code around the number
     * @param parenthesesCells  accounting negatives {@code (12.50)}
     * @param trailingMinusCells negatives written {@code 12.50-}
     * @param fractionCells     cells with a decimal part
     * @param integerCells      plain integer cells (the rest of the fields below describe them)
     * @param minIntWidth       fewest digits of a plain integer cell
     * @param maxIntWidth       most digits
     * @param sequential        every integer is the one above plus one (a row number)
     * @param strayCells        cells that are not numbers of the chosen style (row-level errors in an amount)
     * @param asNumber          for a text column of numbers with a few stray words: the number field it would be
     */
    public record Numbers(long affixCells, long parenthesesCells, long trailingMinusCells, long fractionCells,
                          long negativeCells, long integerCells, int minIntWidth, int maxIntWidth, boolean sequential,
                          long minInteger, long maxInteger, long strayCells, io.coffer.model.Field asNumber) {
        public boolean decorated() {
            return affixCells + parenthesesCells + trailingMinusCells > 0;
        }
    }
}
