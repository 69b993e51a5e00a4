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
 */
public record ColumnProfile(String name, String label, String type, long nonEmpty, long empty, int distinct,
                            boolean distinctCapped, int maxLength, boolean fiscalYearText) {
}
