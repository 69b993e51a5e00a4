package io.coffer.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.DataPackage;
import io.coffer.model.Field;
import io.coffer.model.Resource;
import io.coffer.model.TableSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Schema compatibility between two revisions, after Datasurface's rules, over Table Schema. Pure: no I/O.
 *
 * <ul>
 *   <li>MAJOR (breaking): a field dropped, a type narrowed or changed to an unrelated type, a required field
 *       added, a constraint tightened (required/unique added, enum value removed, maxLength/maximum lowered,
 *       minLength/minimum raised, pattern added or changed), the primary key changed, a resource dropped.</li>
 *   <li>MINOR (compatible schema change): an optional field added, a type widened (integer to number, anything
 *       to string or any, date to datetime, year to integer/number), a constraint loosened, fields reordered,
 *       a resource added.</li>
 *   <li>PATCH: the schema is the same (data, titles or descriptions changed).</li>
 * </ul>
 */
public final class SchemaCompatibility {
    private SchemaCompatibility() {
    }

    public enum Level {
        PATCH, MINOR, MAJOR;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        Level max(Level o) {
            return compareTo(o) >= 0 ? this : o;
        }
    }

    /** The outcome: the level and one reason per change (MAJOR and MINOR ones; PATCH has none). */
    public record Change(Level level, List<String> reasons, List<String> breaking) {
        public Change {
            reasons = List.copyOf(reasons);
            breaking = List.copyOf(breaking);
        }

        public boolean isBreaking() {
            return level == Level.MAJOR;
        }
    }

    /** Type widenings that keep every old value valid. */
    private static final Map<String, Set<String>> WIDER = Map.of(
            "integer", Set.of("number", "string", "any"),
            "number", Set.of("string", "any"),
            "year", Set.of("integer", "number", "string", "any"),
            "date", Set.of("datetime", "string", "any"),
            "yearmonth", Set.of("string", "any"),
            "time", Set.of("string", "any"),
            "datetime", Set.of("string", "any"),
            "boolean", Set.of("string", "any"),
            "duration", Set.of("string", "any"),
            "geopoint", Set.of("string", "any"));

    /** Compares two schemas of one resource. */
    public static Change check(TableSchema old, TableSchema neu) {
        return check("", old, neu);
    }

    /** Compares every resource of two packages by name (a resource dropped is breaking, one added compatible). */
    public static Change check(DataPackage old, DataPackage neu) {
        Builder b = new Builder();
        List<Resource> olds = old.resources();
        for (int i = 0; i < olds.size(); i++) {
            Resource r = olds.get(i);
            String name = name(r, i);
            Resource n = find(neu, name, i);
            if (n == null) {
                b.major("resource '" + name + "' was dropped");
            } else if (r.schema() != null && n.schema() != null) {
                Change c = check(olds.size() > 1 || neu.resources().size() > 1 ? "resource '" + name + "': " : "",
                        r.schema(), n.schema());
                b.add(c);
            } else if (r.schema() != null) {
                b.major("resource '" + name + "' lost its schema");
            }
        }
        List<Resource> news = neu.resources();
        for (int i = 0; i < news.size(); i++) {
            if (find(old, name(news.get(i), i), i) == null) {
                b.minor("resource '" + name(news.get(i), i) + "' was added");
            }
        }
        return b.build();
    }

    private static String name(Resource r, int index) {
        return r.name() == null ? "resource" + (index + 1) : r.name();
    }

    private static Resource find(DataPackage p, String name, int index) {
        List<Resource> rs = p.resources();
        for (int i = 0; i < rs.size(); i++) {
            if (name(rs.get(i), i).equals(name)) {
                return rs.get(i);
            }
        }
        return null;
    }

    private static Change check(String prefix, TableSchema old, TableSchema neu) {
        Builder b = new Builder();
        Set<String> newNames = new HashSet<>(neu.fieldNames());
        for (Field f : old.fields()) {
            if (!newNames.contains(f.name())) {
                b.major(prefix + "field '" + f.name() + "' was dropped");
            }
        }
        for (Field n : neu.fields()) {
            Field o = old.field(n.name()).orElse(null);
            if (o == null) {
                if (n.required() || neu.primaryKey().contains(n.name())) {
                    b.major(prefix + "required field '" + n.name() + "' was added");
                } else {
                    b.minor(prefix + "optional field '" + n.name() + "' was added");
                }
                continue;
            }
            type(prefix, o, n, b);
            constraints(prefix, o, n, b);
        }
        List<String> commonOld = old.fieldNames().stream().filter(newNames::contains).toList();
        List<String> commonNew = neu.fieldNames().stream().filter(n -> old.field(n).isPresent()).toList();
        if (!commonOld.equals(commonNew)) {
            b.minor(prefix + "fields were reordered");
        }
        if (!old.primaryKey().equals(neu.primaryKey())) {
            b.major(prefix + "primary key changed from " + old.primaryKey() + " to " + neu.primaryKey());
        }
        return b.build();
    }

    private static void type(String prefix, Field o, Field n, Builder b) {
        String from = o.type();
        String to = n.type();
        if (from.equals(to)) {
            if (!Objects.equals(norm(o.format()), norm(n.format()))) {
                // A different date/number format means old values may no longer parse.
                b.major(prefix + "field '" + n.name() + "' changed format from " + norm(o.format()) + " to "
                        + norm(n.format()));
            }
            return;
        }
        if ("any".equals(from)) {
            b.major(prefix + "field '" + n.name() + "' narrowed from any to " + to);
        } else if (WIDER.getOrDefault(from, Set.of("any")).contains(to) || "any".equals(to)) {
            b.minor(prefix + "field '" + n.name() + "' widened from " + from + " to " + to);
        } else {
            b.major(prefix + "field '" + n.name() + "' narrowed from " + from + " to " + to);
        }
    }

    private static String norm(String format) {
        return format == null || format.isBlank() ? "default" : format;
    }

    private static void constraints(String prefix, Field o, Field n, Builder b) {
        String f = prefix + "field '" + n.name() + "'";
        ObjectNode oc = o.constraints();
        ObjectNode nc = n.constraints();
        flag(f, "required", oc, nc, b);
        flag(f, "unique", oc, nc, b);
        bound(f, "maxLength", oc, nc, true, b);
        bound(f, "maximum", oc, nc, true, b);
        bound(f, "minLength", oc, nc, false, b);
        bound(f, "minimum", oc, nc, false, b);
        JsonNode op = oc.get("pattern");
        JsonNode np = nc.get("pattern");
        if (np != null && !np.equals(op)) {
            b.major(f + (op == null ? " got a pattern" : " changed its pattern"));
        } else if (op != null && np == null) {
            b.minor(f + " lost its pattern");
        }
        JsonNode oe = oc.get("enum");
        JsonNode ne = nc.get("enum");
        if (ne != null && ne.isArray()) {
            Set<String> newValues = new HashSet<>();
            ne.forEach(v -> newValues.add(v.asText()));
            if (oe == null || !oe.isArray()) {
                b.major(f + " got an enum");
            } else {
                Set<String> oldValues = new HashSet<>();
                oe.forEach(v -> oldValues.add(v.asText()));
                List<String> removed = oldValues.stream().filter(v -> !newValues.contains(v)).sorted().toList();
                if (!removed.isEmpty()) {
                    b.major(f + " enum lost " + removed);
                } else if (!oldValues.equals(newValues)) {
                    b.minor(f + " enum gained values");
                }
            }
        } else if (oe != null) {
            b.minor(f + " lost its enum");
        }
    }

    private static void flag(String f, String name, ObjectNode oc, ObjectNode nc, Builder b) {
        boolean was = oc.path(name).asBoolean(false);
        boolean is = nc.path(name).asBoolean(false);
        if (is && !was) {
            b.major(f + " became " + name);
        } else if (was && !is) {
            b.minor(f + " is no longer " + name);
        }
    }

    /** {@code upper}: a bound that tightens when lowered (maximum); else when raised (minimum). */
    private static void bound(String f, String name, ObjectNode oc, ObjectNode nc, boolean upper, Builder b) {
        JsonNode ov = oc.get(name);
        JsonNode nv = nc.get(name);
        if (nv == null || !nv.isNumber()) {
            if (ov != null && ov.isNumber()) {
                b.minor(f + " lost its " + name);
            }
            return;
        }
        if (ov == null || !ov.isNumber()) {
            b.major(f + " got a " + name + " of " + nv.asText());
            return;
        }
        int cmp = nv.decimalValue().compareTo(ov.decimalValue());
        if (cmp == 0) {
            return;
        }
        boolean tighter = upper ? cmp < 0 : cmp > 0;
        if (tighter) {
            b.major(f + " " + name + " tightened from " + ov.asText() + " to " + nv.asText());
        } else {
            b.minor(f + " " + name + " loosened from " + ov.asText() + " to " + nv.asText());
        }
    }

    private static final class Builder {
        Level level = Level.PATCH;
        final List<String> reasons = new ArrayList<>();
        final List<String> breaking = new ArrayList<>();

        void major(String reason) {
            level = Level.MAJOR;
            reasons.add(reason);
            breaking.add(reason);
        }

        void minor(String reason) {
            level = level.max(Level.MINOR);
            reasons.add(reason);
        }

        void add(Change c) {
            level = level.max(c.level());
            reasons.addAll(c.reasons());
            breaking.addAll(c.breaking());
        }

        Change build() {
            return new Change(level, reasons, breaking);
        }
    }
}
