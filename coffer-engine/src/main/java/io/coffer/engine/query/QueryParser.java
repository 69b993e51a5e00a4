package io.coffer.engine.query;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses babbage's query syntax (parser.ebnf): cuts {@code ref:value|ref:"v1";"v2"}, ref lists
 * {@code a|b} (drilldown, aggregates), {@code a,b} (fields), and orderings {@code ref:desc,ref}; plus
 * Coffer's extensions: negative cuts {@code !ref:value} and ranges {@code ref:a..b}, {@code ref:a..},
 * {@code ref:..b}. Only syntax is checked here; refs are bound to a cube later.
 */
public final class QueryParser {
    /** Longest query text accepted (a cut is not a place for megabytes). */
    public static final int MAX_LENGTH = 8192;
    /** Most values in one query's cuts. */
    public static final int MAX_VALUES = 1000;

    private QueryParser() {
    }

    public static List<Cut> cuts(String text) {
        List<Cut> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        check(text, "cut");
        Scanner s = new Scanner(text);
        int values = 0;
        while (true) {
            boolean negated = s.eat('!');
            String ref = s.ref();
            if (!s.eat(':')) {
                // babbage's parser words first, then where.
                throw bad("expecting ':' after '" + ref + "' at position " + (s.pos + 1) + " in cut '" + text + "'");
            }
            List<CutValue> vals = new ArrayList<>();
            while (true) {
                vals.add(s.cutValue());
                if (++values > MAX_VALUES) {
                    throw bad("Invalid cut: more than " + MAX_VALUES + " values");
                }
                if (!s.eat(';')) {
                    break;
                }
            }
            out.add(new Cut(ref, negated, vals));
            if (s.atEnd()) {
                return out;
            }
            if (!s.eat('|')) {
                throw bad("Invalid cut: unexpected '" + s.peek() + "' at position " + (s.pos + 1) + " in '" + text
                        + "'");
            }
        }
    }

    /** {@code a|b|c} (drilldown, aggregates) or {@code a,b} (fields): refs in order, duplicates kept out. */
    public static List<String> refs(String text, char separator, String what) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        check(text, what);
        for (String part : text.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)) {
            String ref = part.strip();
            if (ref.isEmpty()) {
                throw bad("Invalid " + what + ": empty ref in '" + text + "'");
            }
            checkRef(ref, what);
            if (!out.contains(ref)) {
                out.add(ref);
            }
        }
        return out;
    }

    /** {@code ref[:asc|desc],ref...}. */
    public static List<OrderSpec> order(String text) {
        List<OrderSpec> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        check(text, "order");
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int colon = p.lastIndexOf(':');
            String ref = colon < 0 ? p : p.substring(0, colon).strip();
            String dir = colon < 0 ? "asc" : p.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if (ref.isEmpty()) {
                throw bad("Invalid sorting criterion: empty ref in '" + text + "'");
            }
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw bad("Invalid sorting criterion: direction '" + dir + "' for '" + ref
                        + "' (use asc or desc)");
            }
            checkRef(ref, "sorting criterion");
            out.add(new OrderSpec(ref, dir.equals("desc"), colon >= 0));
        }
        return out;
    }

    private static void check(String text, String what) {
        if (text.length() > MAX_LENGTH) {
            throw bad("Invalid " + what + ": longer than " + MAX_LENGTH + " characters");
        }
    }

    private static void checkRef(String ref, String what) {
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (Character.isISOControl(c) || c == '"' || c == '|' || c == ';' || c == ':') {
                throw bad("Invalid " + what + ": '" + ref + "' is not a ref");
            }
        }
    }

    static CofferException bad(String message) {
        return new CofferException(ErrorCode.BAD_REQUEST, message);
    }

    private static final class Scanner {
        final String t;
        int pos;

        Scanner(String t) {
            this.t = t;
        }

        boolean atEnd() {
            return pos >= t.length();
        }

        char peek() {
            return t.charAt(pos);
        }

        boolean eat(char c) {
            if (pos < t.length() && t.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        boolean eat(String s) {
            if (t.startsWith(s, pos)) {
                pos += s.length();
                return true;
            }
            return false;
        }

        String ref() {
            int start = pos;
            while (pos < t.length()) {
                char c = t.charAt(pos);
                // Unlike babbage, inner spaces are allowed: FDP names have them ("DESCRIPCION CENTRO").
                // An unknown ref such as 'f oo' is refused when the cuts are bound to the cube.
                if (c == ':' || c == '|' || c == ';' || c == '"' || c == '!' || Character.isISOControl(c)) {
                    break;
                }
                pos++;
            }
            String ref = t.substring(start, pos);
            if (ref.isEmpty() || !ref.strip().equals(ref)) {
                throw bad("Invalid cut: expected a ref at position " + (start + 1) + " in '" + t + "'");
            }
            return ref;
        }

        CutValue cutValue() {
            if (eat("..")) {
                Literal to = value();
                if (to.kind() == Literal.Kind.NULL) {
                    throw bad("Invalid cut: a range needs at least one end in '" + t + "'");
                }
                return new CutValue.Range(null, to);
            }
            Literal from = value();
            if (eat("..")) {
                Literal to = value();
                if (from.kind() == Literal.Kind.NULL && to.kind() == Literal.Kind.NULL) {
                    throw bad("Invalid cut: a range needs at least one end in '" + t + "'");
                }
                return new CutValue.Range(from.kind() == Literal.Kind.NULL ? null : from,
                        to.kind() == Literal.Kind.NULL ? null : to);
            }
            return new CutValue.Single(from);
        }

        /** A quoted JSON string, or a bare token up to ';', '|', '..' or the end. */
        Literal value() {
            if (eat('"')) {
                StringBuilder b = new StringBuilder();
                while (true) {
                    if (atEnd()) {
                        throw bad("Invalid cut: unterminated quoted value in '" + t + "'");
                    }
                    char c = t.charAt(pos++);
                    if (c == '"') {
                        break;
                    }
                    if (c != '\\') {
                        b.append(c);
                        continue;
                    }
                    if (atEnd()) {
                        throw bad("Invalid cut: dangling backslash in '" + t + "'");
                    }
                    char e = t.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (pos + 4 > t.length()) {
                                throw bad("Invalid cut: bad \\u escape in '" + t + "'");
                            }
                            try {
                                b.append((char) Integer.parseInt(t.substring(pos, pos + 4), 16));
                            } catch (NumberFormatException ex) {
                                throw bad("Invalid cut: bad \\u escape in '" + t + "'");
                            }
                            pos += 4;
                        }
                        default -> throw bad("Invalid cut: bad escape \\" + e + " in '" + t + "'");
                    }
                }
                if (!atEnd() && peek() != ';' && peek() != '|' && !t.startsWith("..", pos)) {
                    throw bad("Invalid cut: unexpected text after a quoted value in '" + t + "'");
                }
                return Literal.quoted(b.toString());
            }
            int start = pos;
            while (pos < t.length()) {
                char c = t.charAt(pos);
                if (c == ';' || c == '|' || t.startsWith("..", pos)) {
                    break;
                }
                pos++;
            }
            return Literal.bare(t.substring(start, pos));
        }
    }
}
