package io.coffer.loader;

import java.util.List;

/**
 * The Frictionless (v5) error types a report can carry, with their titles, descriptions and tags as
 * frictionless-py writes them, so tools reading Frictionless reports understand ours.
 */
public enum ErrorType {
    ENCODING_ERROR("encoding-error", "Encoding Error", "The data source could not be successfully decoded.",
            List.of("#file")),
    SOURCE_ERROR("source-error", "Source Error", "The data source has not supported or has inconsistent contents.",
            List.of("#file")),
    SCHEMA_ERROR("schema-error", "Schema Error", "Provided schema is not valid.", List.of("#file", "#schema")),
    PACKAGE_ERROR("package-error", "Package Error", "The data package has an error.", List.of("#file")),
    BLANK_LABEL("blank-label", "Blank Label", "A label in the header row is missing a value.",
            List.of("#table", "#header", "#label")),
    DUPLICATE_LABEL("duplicate-label", "Duplicate Label", "Two columns in the header row have the same value.",
            List.of("#table", "#header", "#label")),
    INCORRECT_LABEL("incorrect-label", "Incorrect Label", "One of the data source header does not match the field name defined in the schema.",
            List.of("#table", "#header", "#label")),
    EXTRA_LABEL("extra-label", "Extra Label", "The header of the data source contains label that does not exist in the provided schema.",
            List.of("#table", "#header", "#label")),
    MISSING_LABEL("missing-label", "Missing Label", "Based on the schema there should be a label that is missing in the data's header.",
            List.of("#table", "#header", "#label")),
    BLANK_ROW("blank-row", "Blank Row", "This row is empty. A row should contain at least one value.",
            List.of("#table", "#row")),
    PRIMARY_KEY("primary-key", "PrimaryKey Error", "Values in the primary key fields should be unique for every row",
            List.of("#table", "#row")),
    EXTRA_CELL("extra-cell", "Extra Cell", "This row has more values compared to the header row (the first row in the data source).",
            List.of("#table", "#row", "#cell")),
    MISSING_CELL("missing-cell", "Missing Cell", "This row has less values compared to the header row (the first row in the data source).",
            List.of("#table", "#row", "#cell")),
    TYPE_ERROR("type-error", "Type Error", "The value does not match the schema type and format for this field.",
            List.of("#table", "#row", "#cell")),
    CONSTRAINT_ERROR("constraint-error", "Constraint Error", "A field value does not conform to a constraint.",
            List.of("#table", "#row", "#cell")),
    UNIQUE_ERROR("unique-error", "Unique Error", "This field is a unique field but it contains a value that has been used in another row.",
            List.of("#table", "#row", "#cell"));

    private final String code;
    private final String title;
    private final String description;
    private final List<String> tags;

    ErrorType(String code, String title, String description, List<String> tags) {
        this.code = code;
        this.title = title;
        this.description = description;
        this.tags = tags;
    }

    /** The stable name in reports ({@code type-error}). */
    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public List<String> tags() {
        return tags;
    }
}
