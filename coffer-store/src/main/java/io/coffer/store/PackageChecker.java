package io.coffer.store;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DescriptorValidator;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.spi.BoundedInputStream;
import io.coffer.store.spi.Streams;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks a package passes before any byte of it is stored: the descriptor follows the Data Package
 * profile, every local file exists, each CSV header matches its schema, and the fiscal model only names
 * fields that exist. Every problem names the resource and the field.
 */
public final class PackageChecker {
    private PackageChecker() {
    }

    public static DataPackage check(byte[] descriptorBytes, PackageSource source) throws IOException {
        var json = Json.parse(descriptorBytes, "datapackage.json");
        DescriptorValidator.requireValid(json);
        DataPackage pkg = DataPackage.fromJson(json);
        List<String> problems = new ArrayList<>();
        Set<String> allFields = new HashSet<>();
        Set<String> seenPaths = new HashSet<>();
        for (int i = 0; i < pkg.resources().size(); i++) {
            Resource r = pkg.resources().get(i);
            String label = "resource '" + (r.name() == null ? "#" + (i + 1) : r.name()) + "'";
            if (r.schema() != null) {
                allFields.addAll(r.schema().fieldNames());
            }
            List<PackagePath> paths;
            try {
                paths = r.localPaths();
            } catch (CofferException e) {
                problems.add(label + ": " + e.getMessage());
                continue;
            }
            for (PackagePath p : paths) {
                if (p.value().equals("datapackage.json") || p.segments().get(0).startsWith("@")) {
                    problems.add(label + ": path '" + p + "' is reserved");
                } else if (!seenPaths.add(p.value())) {
                    problems.add(label + ": path '" + p + "' is used by two resources");
                } else if (source.size(p) < 0) {
                    problems.add(label + ": file '" + p + "' is not in the package");
                }
            }
            if (paths.isEmpty() && localCopyOfUrl(r, source) == null && r.remoteUrls().isEmpty()
                    && !r.extras().has("data")) {
                problems.add(label + ": has neither a path nor data");
            }
            if (problems.isEmpty() && r.isTabular() && paths.size() == 1) {
                checkHeader(label, r, paths.get(0), source, problems);
            }
        }
        FiscalModel model = pkg.model();
        if (model != null && !allFields.isEmpty()) {
            model.measures().values().forEach(m -> {
                if (!allFields.contains(m.source())) {
                    problems.add("model: measure '" + m.name() + "' uses field '" + m.source()
                            + "', which no resource schema has");
                }
            });
            model.dimensions().values().forEach(d -> d.attributes().values().forEach(a -> {
                if (!allFields.contains(a.source())) {
                    problems.add("model: dimension '" + d.name() + "' attribute '" + a.name() + "' uses field '"
                            + a.source() + "', which no resource schema has");
                }
            }));
        }
        if (!problems.isEmpty()) {
            throw new CofferException(problems.get(0).startsWith("model") ? ErrorCode.INVALID_DESCRIPTOR
                    : ErrorCode.INVALID_DATA, "package refused: " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""), problems);
        }
        return pkg;
    }

    /**
     * A resource that only names a URL (as os-packager writes them) may come with the file beside the
     * descriptor; then that file is the data we store.
     */
    public static PackagePath localCopyOfUrl(Resource r, PackageSource source) throws IOException {
        if (!r.localPaths().isEmpty()) {
            return null;
        }
        for (String url : r.remoteUrls()) {
            String base = url.replaceAll("[?#].*$", "");
            base = base.substring(base.lastIndexOf('/') + 1);
            if (PackagePath.isValid(base) && !base.equals("datapackage.json")) {
                PackagePath p = PackagePath.of(base);
                if (source.size(p) >= 0) {
                    return p;
                }
            }
        }
        return null;
    }

    private static void checkHeader(String label, Resource r, PackagePath path, PackageSource source,
                                    List<String> problems) throws IOException {
        Dialect d = r.effectiveDialect();
        if (!d.header()) {
            return;
        }
        List<String> expected = r.schema().fieldNames();
        List<String> header = readHeader(source, path, r, d);
        if (r.dialect() == null && !expected.equals(header)) {
            // No dialect declared: like Frictionless, sniff the delimiter rather than assume ','.
            for (char c : new char[] {';', '\t', '|'}) {
                Dialect other = new Dialect(c, d.quoteChar(), d.doubleQuote(), d.lineTerminator(), true,
                        d.skipInitialSpace());
                List<String> h = readHeader(source, path, r, other);
                if (expected.equals(h)) {
                    header = h;
                    break;
                }
            }
        }
        if (header == null) {
            problems.add(label + ": file '" + path + "' is empty (no header row)");
            return;
        }
        for (int i = 0; i < Math.max(header.size(), expected.size()); i++) {
            String h = i < header.size() ? header.get(i) : null;
            String f = i < expected.size() ? expected.get(i) : null;
            if (h == null) {
                problems.add(label + ": schema field '" + f + "' (field " + (i + 1) + ") has no column in '"
                        + path + "'");
            } else if (f == null) {
                problems.add(label + ": column " + (i + 1) + " '" + h + "' of '" + path
                        + "' is not in the schema");
            } else if (!h.equals(f)) {
                problems.add(label + ": column " + (i + 1) + " of '" + path + "' is '" + h
                        + "' but the schema's field " + (i + 1) + " is '" + f + "'");
            }
        }
        Set<String> dup = new HashSet<>();
        for (Field f : r.schema().fields()) {
            if (!dup.add(f.name())) {
                problems.add(label + ": field '" + f.name() + "' appears twice in the schema");
            }
        }
    }

    private static List<String> readHeader(PackageSource source, PackagePath path, Resource r, Dialect d)
            throws IOException {
        try (InputStream raw = source.open(path).orElseThrow()) {
            return readHeader(raw, Streams.charset(r.encoding()), d);
        }
    }

    /** The first record of a CSV, BOM stripped; null for an empty file. Reads at most 1 MiB. */
    static List<String> readHeader(InputStream raw, Charset cs, Dialect d) throws IOException {
        BufferedInputStream in = Streams.skipUtf8Bom(new BoundedInputStream(raw, 1 << 20));
        try (CsvReader<CsvRecord> reader = CsvReader.builder()
                .fieldSeparator(d.delimiter())
                .quoteCharacter(d.quoteChar())
                .ofCsvRecord(new InputStreamReader(in, cs))) {
            Iterator<CsvRecord> it = reader.iterator();
            if (!it.hasNext()) {
                return null;
            }
            return it.next().getFields().stream().map(s -> d.skipInitialSpace() ? s.stripLeading() : s).toList();
        } catch (RuntimeException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read the CSV header: " + e.getMessage(), e);
        }
    }
}
