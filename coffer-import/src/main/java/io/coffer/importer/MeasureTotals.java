package io.coffer.importer;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.loader.Sniffer;
import io.coffer.model.DataPackage;
import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.Resource;
import io.coffer.store.PackageChecker;
import io.coffer.store.PackageSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact raw totals (before {@code factor}) of every measure of an imported package, streamed from its
 * CSVs, so an import report can be checked against the source. Cells that are not numbers are counted,
 * not guessed.
 */
final class MeasureTotals {
    private MeasureTotals() {
    }

    static Map<String, BigDecimal> of(Path dir, DataPackage pkg, List<String> notes) throws IOException {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (pkg.model() == null) {
            return out;
        }
        for (FiscalModel.Measure m : pkg.model().measures().values()) {
            Resource r = m.resource() == null ? pkg.resources().get(0)
                    : pkg.resource(m.resource()).orElse(pkg.resources().get(0));
            List<io.coffer.model.PackagePath> paths = r.localPaths();
            io.coffer.model.PackagePath local = paths.size() == 1 ? paths.get(0)
                    : paths.isEmpty() ? PackageChecker.localCopyOfUrl(r, PackageSource.directory(dir)) : null;
            if (r.schema() == null || local == null) {
                continue;
            }
            Path file = dir.resolve(local.value());
            if (!Files.isRegularFile(file)) {
                continue;
            }
            Field f = r.schema().field(m.source()).orElse(null);
            String decimal = f == null || f.decimalChar() == null ? "." : f.decimalChar();
            String group = f == null || f.groupChar() == null ? "" : f.groupChar();
            char delimiter = r.dialect() != null ? r.dialect().delimiter() : Sniffer.sniff(file).delimiter();
            Charset cs = r.encoding() != null ? io.coffer.loader.CsvFormat.of(r.encoding(), null).charset()
                    : Sniffer.sniff(file).charset();
            BigDecimal total = BigDecimal.ZERO;
            long bad = 0;
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
                 CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(delimiter)
                         .ofCsvRecord(new InputStreamReader(io.coffer.store.spi.Streams.skipUtf8Bom(raw), cs))) {
                int col = -1;
                for (CsvRecord rec : reader) {
                    if (col < 0) {
                        col = rec.getFields().indexOf(m.source());
                        if (col < 0) {
                            break;
                        }
                        continue;
                    }
                    if (col >= rec.getFieldCount()) {
                        continue;
                    }
                    String v = rec.getField(col).trim();
                    if (v.isEmpty() || r.schema().missingValues().contains(v)) {
                        continue;
                    }
                    if (!group.isEmpty()) {
                        v = v.replace(group, "");
                    }
                    if (!decimal.equals(".")) {
                        v = v.replace(decimal, ".");
                    }
                    try {
                        total = total.add(new BigDecimal(v));
                    } catch (NumberFormatException e) {
                        bad++;
                    }
                }
            }
            out.put(m.name(), total);
            if (bad > 0) {
                notes.add("measure '" + m.name() + "': " + bad + " cell(s) are not numbers and are not in its total");
            }
        }
        return out;
    }
}
