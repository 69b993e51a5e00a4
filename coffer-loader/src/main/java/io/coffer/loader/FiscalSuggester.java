package io.coffer.loader;

import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.FiscalModel.Attribute;
import io.coffer.model.FiscalModel.Dimension;
import io.coffer.model.FiscalModel.Measure;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Suggests an os-types {@code columnType} for each column from its name, type and profile, and builds the
 * Fiscal Data Package model from column types the way os-types {@code fieldsToModel} does: {@code value}
 * columns become measures; every other column becomes an attribute of the dimension named after its
 * concept (first segment of the type), codes forming the dimension key, labels pointing at their code
 * ({@code labelfor}), level N codes at level N-1 ({@code parent}). Deterministic: only names, types and
 * profiles are looked at.
 */
public final class FiscalSuggester {
    private static final Pattern AMOUNT = words("amount|amounts|value|total|sum|budget|budgeted|approved|adjusted"
            + "|executed|execution|expenditure|expenditures|expense|expenses|spending|spent|paid|payment|payments"
            + "|allocation|allocated|appropriation|appropriations|outturn|actual|actuals|revised|estimate|estimates"
            + "|importe|monto|gasto|gastos|credito|creditos|presupuesto|montant|depenses|betrag|ausgaben|iznos"
            + "|износ|буџет|бюджет|сума|сумма|euro|eur|usd|gbp|money|cost|costs|disbursed|disbursement|commitment"
            + "|commitments|obligated|revenue|revenues|income|receipts|grant|grants|transfer amount");
    private static final Pattern NOT_AMOUNT = words("id|code|year|month|day|week|quarter|population|percent"
            + "|percentage|rate|ratio|share|count|number|no|lat|lon|latitude|longitude|zip|postcode|level|rank");
    private static final Pattern YEARISH_NAME = Pattern.compile("^(fy\\s*)?\\d{4}([-/]\\d{2,4})?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FISCAL_YEAR = words("year|yr|fiscal year|fy|ano|anio|jahr|annee|anno|godina"
            + "|година|exercice|ejercicio|esercizio");
    private static final Pattern LABEL = words("label|name|names|title|desc|descr|description|descripcion"
            + "|nombre|denominacion|libelle|bezeichnung|назив|наименование|naziv|emri");
    private static final Pattern CODE = words("code|codes|id|cod|codigo|kod|number|no|nr|num|број|шифра"
            + "|sifra|cls|key");
    /** Presentation and bookkeeping columns that are not part of the model. */
    private static final Pattern NOT_MODELLED = words("color|colour|taxonomy|level|change date|url|link|source"
            + "|source document|source table|notes|note|comment|comments|remarks|currency");
    private static final Map<String, Pattern> CONCEPTS = new LinkedHashMap<>();

    static {
        CONCEPTS.put("recipient", words("payee|payees|recipient|recipients|beneficiary|beneficiaries|beneficiario"
                + "|beneficiaire|empfanger|to"));
        CONCEPTS.put("supplier", words("supplier|suppliers|vendor|vendors|contractor|proveedor|fournisseur"
                + "|lieferant|furnitor"));
        CONCEPTS.put("geo-source", words("region|regions|country|countries|province|municipality|municipio|city"
                + "|nuts|location|district|county|state|member state|comuna|oblast|регион|општина"));
        CONCEPTS.put("functional-classification", words("function|functional|func|cofog|funcion|funcional"
                + "|fonction|funktion|funksion"));
        CONCEPTS.put("economic-classification", words("economic|econ|economico|economica|capitulo|concepto"
                + "|subconcepto|articulo|partida|article|item|ставка|категорија|категория|category|kategori"
                + "|expense type|exp type|nature|object"));
        CONCEPTS.put("activity", words("program|programme|programs|programa|programme|project|proyecto|projet"
                + "|потпрограма|програма|subprogram|subprograma|outcome|activity|actividad"));
        CONCEPTS.put("administrative-classification", words("admin|administrative|administration|department|dept"
                + "|departamento|ministry|ministerio|agency|agencia|organisation|organization|org|organismo"
                + "|organo|entity|institution|institucion|body|portfolio|centro|seccion|section|раздел|unit"
                + "|budget institution|from|payer|payor|office|authority"));
    }

    private FiscalSuggester() {
    }

    private static Pattern words(String alternatives) {
        return Pattern.compile("(^|.*\\b)(" + alternatives + ")(\\b.*|$)", Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** Lower-case, accents removed, non-alphanumerics as spaces, digit/letter runs split: "AÑO_2014" -> "ano 2014". */
    static String normalise(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT);
        s = s.replaceAll("[^\\p{L}\\p{N}]+", " ").replaceAll("(?<=\\p{L})(?=\\p{N})|(?<=\\p{N})(?=\\p{L})", " ");
        return s.strip();
    }

    /** A suggestion: one os-types column type per field ({@code ""} = not part of the model) and the model. */
    public record Suggestion(Map<String, String> columnTypes, FiscalModel model) {
    }

    /** Suggests column types and builds the model (no currency or factor: see {@link #model}). */
    public static Suggestion suggest(TableSchema schema, List<ColumnProfile> profiles) {
        Map<String, String> types = columnTypes(schema, profiles);
        return new Suggestion(types, model(schema, types, Mapping.EMPTY));
    }

    /** Suggested os-types column type per field, in schema order. */
    public static Map<String, String> columnTypes(TableSchema schema, List<ColumnProfile> profiles) {
        Map<String, ColumnProfile> byName = new HashMap<>();
        profiles.forEach(p -> byName.put(p.name(), p));
        Map<String, String> out = new LinkedHashMap<>();
        // Pass 1: measures, dates, and the concept + code/label role of the rest.
        Map<String, String> concept = new LinkedHashMap<>();
        Map<String, Boolean> isLabel = new HashMap<>();
        Map<String, String> stem = new HashMap<>();
        for (Field f : schema.fields()) {
            String w = normalise(f.name());
            ColumnProfile p = byName.get(f.name());
            boolean numeric = f.type().equals("number") || f.type().equals("integer");
            if (numeric && MeasureRule.judge(f, p).measure()) {
                out.put(f.name(), "value");
                continue;
            }
            if (f.type().equals("date") || f.type().equals("datetime")) {
                out.put(f.name(), "date:generic");
                continue;
            }
            if (f.type().equals("year") || (p != null && p.fiscalYearText())
                    || (f.type().equals("integer") && FISCAL_YEAR.matcher(w).matches() && p != null
                    && p.maxLength() == 4)) {
                out.put(f.name(), "date:fiscal-year");
                continue;
            }
            if (p != null && p.nonEmpty() == 0) {
                out.put(f.name(), ""); // a blank column: nothing to drill
                continue;
            }
            String c = NOT_MODELLED.matcher(w).matches() ? null : conceptOf(w);
            if (c == null) {
                // No known concept: the column still gets a dimension of its own, shared with the columns of the
                // same stem ("Cost Centre" and "Cost Centre Name"), so every column can be drilled and cut.
                String st = stemOf(w);
                c = GENERIC + (st.isEmpty() ? w : st);
            }
            concept.put(f.name(), c);
            boolean label = LABEL.matcher(w).matches() && !CODE.matcher(w).matches();
            boolean code = CODE.matcher(w).matches();
            if (!label && !code) {
                // No role word: long free text is a label, short values a code.
                label = f.type().equals("string") && p != null && p.maxLength() > 24;
            }
            isLabel.put(f.name(), label);
            stem.put(f.name(), stemOf(w));
        }
        Set<String> usedConcepts = new HashSet<>(CONCEPTS.keySet());
        usedConcepts.add("date");
        Map<String, String> genericName = new HashMap<>();
        for (Map.Entry<String, String> e : concept.entrySet()) {
            if (e.getValue().startsWith(GENERIC)) {
                String slugged = genericName.computeIfAbsent(e.getValue(),
                        k -> slug(stemOrName(k.substring(GENERIC.length()), e.getKey()), "dimension", usedConcepts));
                e.setValue(slugged);
            }
        }
        // Pass 2: levels per concept in column order; a label joins the code with the same stem, or the last code.
        Map<String, Integer> levels = new HashMap<>();
        Map<String, String> codeOfStem = new HashMap<>();
        Map<String, String> lastCode = new HashMap<>();
        Map<String, Integer> levelOf = new HashMap<>();
        for (Field f : schema.fields()) {
            String c = concept.get(f.name());
            if (c == null || isLabel.get(f.name())) {
                continue;
            }
            int level = levels.merge(c, 1, Integer::sum);
            levelOf.put(f.name(), level);
            codeOfStem.put(c + "|" + stem.get(f.name()), f.name());
            lastCode.put(c, f.name());
        }
        Map<String, Integer> labelLevels = new HashMap<>();
        for (Field f : schema.fields()) {
            String c = concept.get(f.name());
            if (c == null) {
                continue;
            }
            boolean label = isLabel.get(f.name());
            int level;
            if (!label) {
                level = levelOf.get(f.name());
            } else {
                String code = codeOfStem.get(c + "|" + stem.get(f.name()));
                if (code == null) {
                    code = lastCode.get(c);
                }
                level = code != null ? levelOf.get(code) : labelLevels.merge(c, 1, Integer::sum);
            }
            out.put(f.name(), typeName(c, level, label));
        }
        // Keep schema order.
        Map<String, String> ordered = new LinkedHashMap<>();
        schema.fields().forEach(f -> ordered.put(f.name(), out.getOrDefault(f.name(), "")));
        return ordered;
    }

    /** Why each numeric column is or is not a measure, in schema order (for the init report). */
    public static Map<String, String> explanations(TableSchema schema, List<ColumnProfile> profiles) {
        Map<String, ColumnProfile> byName = new HashMap<>();
        profiles.forEach(p -> byName.put(p.name(), p));
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : schema.fields()) {
            if (f.type().equals("number") || f.type().equals("integer")) {
                out.put(f.name(), MeasureRule.judge(f, byName.get(f.name())).explain());
            }
        }
        return out;
    }

    private static final String GENERIC = "\u0000";

    private static String stemOrName(String stem, String name) {
        String ascii = Normalizer.normalize(stem, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        return ascii.matches(".*[A-Za-z0-9].*") ? stem : name;
    }

    private static String conceptOf(String w) {
        for (Map.Entry<String, Pattern> e : CONCEPTS.entrySet()) {
            if (e.getValue().matcher(w).matches()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The name without role words: "descripcion centro" and "centro" share the stem "centro". */
    private static String stemOf(String w) {
        List<String> kept = new ArrayList<>();
        for (String t : w.split(" ")) {
            if (!LABEL.matcher(t).matches() && !CODE.matcher(t).matches()) {
                kept.add(t);
            }
        }
        return String.join(" ", kept);
    }

    private static String typeName(String concept, int level, boolean label) {
        return switch (concept) {
            case "recipient", "supplier" -> concept + ":generic:" + (label ? "name" : "id");
            case "geo-source" -> "geo-source:generic:" + (label ? "title" : "code");
            case "activity" -> "activity:generic:" + (level <= 1 ? "program" : "project") + ":" + (label ? "label" : "code");
            default -> concept + ":generic:level" + level + ":" + (label ? "label" : "code");
        };
    }

    /**
     * The FDP model for the given column types. Measures take currency, factor, direction and phase from the
     * mapping (field first, then the mapping's {@code currency}).
     */
    public static FiscalModel model(TableSchema schema, Map<String, String> columnTypes, Mapping mapping) {
        Map<String, Measure> measures = new LinkedHashMap<>();
        Map<String, Map<String, Attribute>> attrs = new LinkedHashMap<>();
        Map<String, String> attrOfField = new HashMap<>();
        Map<String, String> attrOfType = new HashMap<>();
        Set<String> used = new HashSet<>();
        for (Field f : schema.fields()) {
            String ct = columnTypes.getOrDefault(f.name(), "");
            if (ct == null || ct.isEmpty()) {
                continue;
            }
            String slug = slug(f.name(), ct.equals("value") ? "measure" : "attribute", used);
            Mapping.FieldMapping m = mapping.fields().get(f.name());
            if (ct.equals("value")) {
                String currency = m != null && m.currency() != null ? m.currency() : mapping.currency();
                BigDecimal factor = m == null ? null : m.factor();
                var extras = Json.object();
                if (m != null && m.direction() != null) extras.put("direction", m.direction());
                if (m != null && m.phase() != null) extras.put("phase", m.phase());
                measures.put(slug, new Measure(slug, f.name(), null, currency, factor,
                        f.title() != null ? f.title() : f.name(), extras));
                continue;
            }
            String concept = ct.contains(":") ? ct.substring(0, ct.indexOf(':')) : ct;
            attrOfField.put(f.name(), slug);
            attrOfType.put(concept + "|" + ct, slug);
            attrs.computeIfAbsent(concept, k -> new LinkedHashMap<>())
                    .put(slug, new Attribute(slug, f.name(), null, null, null, f.title() != null ? f.title() : f.name(),
                            null));
        }
        Map<String, Dimension> dimensions = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Attribute>> e : attrs.entrySet()) {
            String concept = e.getKey();
            Map<String, Attribute> linked = new LinkedHashMap<>();
            List<String> key = new ArrayList<>();
            for (Attribute a : e.getValue().values()) {
                String ct = columnTypes.get(a.source());
                String labelFor = null;
                String parent = null;
                if (ct.endsWith(":label") || ct.endsWith(":name") || ct.endsWith(":title")) {
                    String codeType = ct.substring(0, ct.lastIndexOf(':')) + (ct.startsWith("recipient")
                            || ct.startsWith("supplier") ? ":id" : ct.startsWith("geo-source") ? ":code" : ":code");
                    labelFor = attrOfType.get(concept + "|" + codeType);
                } else {
                    key.add(a.name());
                    java.util.regex.Matcher lv = Pattern.compile(":level(\\d+):code$").matcher(ct);
                    if (lv.find() && Integer.parseInt(lv.group(1)) > 1) {
                        String parentType = ct.replace(":level" + lv.group(1) + ":", ":level"
                                + (Integer.parseInt(lv.group(1)) - 1) + ":");
                        parent = attrOfType.get(concept + "|" + parentType);
                    } else if (ct.equals("activity:generic:project:code")) {
                        parent = attrOfType.get(concept + "|activity:generic:program:code");
                    }
                }
                linked.put(a.name(), new Attribute(a.name(), a.source(), null, labelFor, parent, a.title(), null));
            }
            if (key.isEmpty()) {
                key.addAll(linked.keySet());
            }
            dimensions.put(concept, new Dimension(concept, dimensionType(concept), classificationType(concept), linked,
                    key, null, null));
        }
        return new FiscalModel(measures, dimensions);
    }

    static String dimensionType(String concept) {
        return switch (concept) {
            case "administrative-classification", "functional-classification", "economic-classification" ->
                    "classification";
            case "recipient", "supplier", "administrator", "procurer" -> "entity";
            case "geo-source" -> "location";
            case "activity" -> "activity";
            case "date" -> "datetime";
            case "budget-line-id", "transaction-id", "invoice-id" -> "fact";
            default -> "other";
        };
    }

    private static String classificationType(String concept) {
        return concept.endsWith("-classification") ? concept.substring(0, concept.indexOf('-')) : null;
    }

    /** os-types slug: accents removed, runs of [a-z0-9] joined by '_', made unique; a fallback for non-Latin names. */
    static String slug(String name, String fallback, Set<String> used) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String s = String.join("_", ascii.split("[^A-Za-z0-9]+")).replaceAll("^_+|_+$", "")
                .toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            s = fallback + "_" + (used.size() + 1);
        }
        String out = s;
        for (int k = 2; !used.add(out); k++) {
            out = s + "_" + k;
        }
        return out;
    }
}
