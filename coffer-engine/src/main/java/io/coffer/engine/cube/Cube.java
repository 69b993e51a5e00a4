package io.coffer.engine.cube;

import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OLAP cube of one Fiscal Data Package: babbage-style refs bound to the columns of the Parquet copy.
 * Only names present here ever reach SQL (as generated column names); everything a client sends is looked
 * up in these maps first.
 */
public final class Cube {
    /** Functions accepted after a measure name ({@code amount.max}). */
    public static final Set<String> FUNCTIONS = Set.of("sum", "min", "max", "avg", "count");

    private final String factResource;
    private final Resource resource;
    private final Map<String, CubeMeasure> measures;
    private final Map<String, CubeDimension> dimensions;
    private final Map<String, CubeAttribute> attributes;
    private final Map<String, CubeAggregate> aggregates;
    private final List<String> warnings;

    private Cube(Resource resource, Map<String, CubeMeasure> measures, Map<String, CubeDimension> dimensions,
                 List<String> warnings) {
        this.resource = resource;
        this.factResource = resource.name();
        this.measures = Collections.unmodifiableMap(measures);
        this.dimensions = Collections.unmodifiableMap(dimensions);
        Map<String, CubeAttribute> attrs = new LinkedHashMap<>();
        dimensions.values().forEach(d -> d.attributes().forEach(a -> attrs.put(a.ref(), a)));
        this.attributes = Collections.unmodifiableMap(attrs);
        Map<String, CubeAggregate> aggs = new LinkedHashMap<>();
        aggs.put(CubeAggregate.COUNT_REF, new CubeAggregate(CubeAggregate.COUNT_REF, "count", null, "Facts", true));
        measures.values().forEach(m -> aggs.put(m.ref() + ".sum",
                new CubeAggregate(m.ref() + ".sum", "sum", m, m.title(), true)));
        measures.values().forEach(m -> FUNCTIONS.stream().sorted().filter(f -> !f.equals("sum")).forEach(f ->
                aggs.put(m.ref() + "." + f, new CubeAggregate(m.ref() + "." + f, f, m, m.title() + " (" + f + ")",
                        false))));
        this.aggregates = Collections.unmodifiableMap(aggs);
        this.warnings = List.copyOf(warnings);
    }

    public String factResource() {
        return factResource;
    }

    public Resource resource() {
        return resource;
    }

    public Map<String, CubeMeasure> measures() {
        return measures;
    }

    public Map<String, CubeDimension> dimensions() {
        return dimensions;
    }

    /** Every attribute by its ref {@code dim.attr}: per dimension its key attribute first, then model order. */
    public Map<String, CubeAttribute> attributes() {
        return attributes;
    }

    public Map<String, CubeAggregate> aggregates() {
        return aggregates;
    }

    /** What of the FDP model the cube could not use (attributes of other resources, missing fields). */
    public List<String> warnings() {
        return warnings;
    }

    /** An attribute by ref; a bare dimension name means its key attribute. */
    public Optional<CubeAttribute> attribute(String ref) {
        CubeAttribute a = attributes.get(ref);
        if (a != null) {
            return Optional.of(a);
        }
        CubeDimension d = dimensions.get(ref);
        return d == null ? Optional.empty() : Optional.of(d.keyAttribute());
    }

    /** The cube of a package, or NOT_FOUND when it has no fiscal model the engine can use. */
    public static Cube of(DataPackage pkg) {
        FiscalModel model = pkg.model();
        if (model == null || model.measures().isEmpty()) {
            throw new CofferException(ErrorCode.NOT_FOUND, "this dataset has no fiscal model (no 'model' with measures)");
        }
        List<String> warnings = new ArrayList<>();
        String wanted = model.measures().values().stream().map(FiscalModel.Measure::resource)
                .filter(r -> r != null).findFirst().orElse(null);
        Resource fact = (wanted == null
                ? pkg.resources().stream().filter(r -> r.schema() != null).findFirst()
                : pkg.resource(wanted)).orElseThrow(() -> new CofferException(ErrorCode.INVALID_DESCRIPTOR,
                "the fiscal model's resource " + (wanted == null ? "" : "'" + wanted + "' ")
                        + "is not a resource with a schema"));
        if (fact.schema() == null) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "resource '" + fact.name() + "' has no schema");
        }
        List<Field> fields = fact.schema().fields();
        Map<String, CubeMeasure> measures = new LinkedHashMap<>();
        int i = 0;
        for (FiscalModel.Measure m : model.measures().values()) {
            if (!sameResource(m.resource(), fact)) {
                warnings.add("measure '" + m.name() + "' is in another resource ('" + m.resource() + "'); left out");
                continue;
            }
            CubeField f = field(fields, m.source());
            if (f == null) {
                warnings.add("measure '" + m.name() + "' uses field '" + m.source() + "', which is not in the schema");
                continue;
            }
            measures.put(m.name(), new CubeMeasure(m.name(), m.name(), "m" + i++, m.source(), m.currency(), m.factor(),
                    m.title() == null ? m.name() : m.title(), f.field().type(), f));
        }
        if (measures.isEmpty()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "no measure of the fiscal model is usable: "
                    + String.join("; ", warnings));
        }
        Map<String, CubeDimension> dims = new LinkedHashMap<>();
        int j = 0;
        for (FiscalModel.Dimension d : model.dimensions().values()) {
            if (measures.containsKey(d.name())) {
                warnings.add("dimension '" + d.name() + "' has the name of a measure; left out");
                continue;
            }
            List<CubeAttribute> attrs = new ArrayList<>();
            for (FiscalModel.Attribute a : d.attributes().values()) {
                String constant = a.extras().path("constant").isValueNode() ? a.extras().path("constant").asText() : null;
                CubeField f = field(fields, a.source());
                if (!sameResource(a.resource(), fact)) {
                    warnings.add("attribute '" + d.name() + "." + a.name() + "' is in another resource ('"
                            + a.resource() + "'); left out");
                } else if (f == null && constant == null) {
                    warnings.add("attribute '" + d.name() + "." + a.name() + "' uses field '" + a.source()
                            + "', which is not in the schema; left out");
                } else {
                    ColumnType type = f == null ? ColumnType.STRING : ColumnType.ofSchemaType(f.field().type());
                    attrs.add(new CubeAttribute(d.name(), a.name(), d.name() + "." + a.name(), "a" + j++,
                            f == null ? null : a.source(), f == null ? constant : null, type,
                            a.title() == null ? a.name() : a.title(), f == null ? null : f.field().format(), f));
                }
            }
            if (attrs.isEmpty()) {
                warnings.add("dimension '" + d.name() + "' has no usable attribute; left out");
                continue;
            }
            // The top of a multi-level key is its first entry (FDP orders parents first); fall back to the
            // first attribute that is nobody's label.
            CubeAttribute key = d.primaryKey().stream().flatMap(k -> attrs.stream().filter(a -> a.name().equals(k)))
                    .findFirst().orElse(null);
            if (key == null) {
                key = attrs.stream().filter(a -> d.attributes().get(a.name()).labelfor() == null).findFirst()
                        .orElse(attrs.get(0));
            }
            // babbage lists a dimension's key attribute first (its fields, its default order), the rest as modelled.
            attrs.remove(key);
            attrs.add(0, key);
            String keyName = key.name();
            CubeAttribute label = attrs.stream()
                    .filter(a -> keyName.equals(d.attributes().get(a.name()).labelfor())).findFirst().orElse(key);
            dims.put(d.name(), new CubeDimension(d.name(), d.title() == null ? d.name() : d.title(),
                    d.dimensionType(), attrs, key, label));
        }
        return new Cube(fact, measures, dims, warnings);
    }

    private static boolean sameResource(String name, Resource fact) {
        return name == null || name.equals(fact.name());
    }

    private static CubeField field(List<Field> fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return new CubeField(fields.get(i), i);
            }
        }
        return null;
    }
}
