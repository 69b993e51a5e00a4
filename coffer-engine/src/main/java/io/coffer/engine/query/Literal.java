package io.coffer.engine.query;

/**
 * One value written in a cut, as the parser classified it (babbage's rule: date, then integer, else
 * string; quoted text is always a string). {@code NULL} is the empty value.
 */
public record Literal(Kind kind, String text) {
    public enum Kind { STRING, INTEGER, NUMBER, DATE, NULL }

    public static final Literal NULL = new Literal(Kind.NULL, null);

    /** A bare (unquoted) token. */
    static Literal bare(String t) {
        if (t.isEmpty()) {
            return NULL;
        }
        if (t.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return new Literal(Kind.DATE, t);
        }
        if (t.matches("-?[0-9]{1,30}")) {
            return new Literal(Kind.INTEGER, t);
        }
        if (t.matches("-?[0-9]{1,30}\\.[0-9]{1,30}")) {
            return new Literal(Kind.NUMBER, t);
        }
        return new Literal(Kind.STRING, t);
    }

    static Literal quoted(String t) {
        return new Literal(Kind.STRING, t);
    }

    /** babbage's name for the parsed type, used in its error messages. */
    String babbageType() {
        return switch (kind) {
            case INTEGER -> "integer";
            case NUMBER -> "float";
            case DATE -> "date";
            case NULL -> "null";
            case STRING -> "string";
        };
    }
}
