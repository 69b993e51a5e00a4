package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DataPackage;
import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every one of the 17 corpus entries goes through {@code importSource}: the known-broken ones come back
 * as reports naming the problem, the others are published with measure totals equal to an independent
 * computation (DuckDB's own CSV reader over the stored files).
 */
class CorpusImportTest {
    @TempDir
    static Path tmp;
    static DataStore store;
    static Connection duck;
    static final Set<String> BROKEN = Set.of("fdp03-minimal", "fdp03-entities-denormalized",
            "fdp03-entities-normalized", "gb-cra-static-aggregates");

    @BeforeAll
    static void open() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("SET threads = 1");
            s.execute("SET memory_limit = '512MB'");
        }
    }

    @AfterAll
    static void close() throws Exception {
        duck.close();
        store.close();
    }

    static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Independent total: DuckDB reads the stored CSV as text, we only strip the declared group/decimal chars. */
    static BigDecimal duckTotal(Path csv, Field f, List<String> missing) throws Exception {
        String expr = ident(f.name());
        if (f.groupChar() != null && !f.groupChar().isEmpty()) {
            expr = "replace(" + expr + ", '" + f.groupChar().replace("'", "''") + "', '')";
        }
        if (f.decimalChar() != null && !f.decimalChar().equals(".")) {
            expr = "replace(" + expr + ", '" + f.decimalChar().replace("'", "''") + "', '.')";
        }
        String sql = "SELECT sum(TRY_CAST(trim(" + expr + ") AS DECIMAL(38,6))) FROM read_csv(?, all_varchar = true, "
                + "header = true, nullstr = ?)";
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            ps.setString(1, csv.toString());
            ps.setString(2, missing.isEmpty() ? "" : missing.get(0));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                BigDecimal v = rs.getBigDecimal(1);
                return v == null ? BigDecimal.ZERO : v;
            }
        }
    }

    @Test
    void all17CorpusEntriesImportOrReportWithIndependentlyCheckedTotals() throws Exception {
        List<Path> entries;
        try (Stream<Path> s = Files.list(Corpus.root())) {
            // The packages of the test data; real-* folders are raw files for the loader, _tools its scripts.
            entries = s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("real-")
                    && !d.getFileName().toString().startsWith("_")).sorted().toList();
        }
        assertThat(entries).hasSize(18);
        // Legacy exports often declare types their cells do not follow: imported as they are, as asked.
        PackageImporter importer = new PackageImporter(store, new SafeFetcher(SafeFetcher.Policy.DEFAULT),
                SafeZip.Limits.DEFAULT).allowingInvalid();
        int published = 0;
        int totalsChecked = 0;
        for (Path e : entries) {
            String name = e.getFileName().toString();
            List<ImportReport> reports = importer.importSource(e.toString(), "corpus", null);
            assertThat(reports).as(name).isNotEmpty();
            if (BROKEN.contains(name)) {
                assertThat(reports.get(0).ok()).as(name).isFalse();
                assertThat(reports.get(0).problems()).as(name).isNotEmpty();
                assertThat(reports.get(0).toText()).as(name).startsWith("not imported");
                continue;
            }
            for (ImportReport r : reports) {
                assertThat(r.ok()).as(name + ": " + r.toText()).isTrue();
                published++;
                Revision rev = store.revision(r.dataset(), r.revision());
                DataPackage pkg = store.descriptor(rev);
                if (pkg.model() == null) {
                    continue;
                }
                for (FiscalModel.Measure m : pkg.model().measures().values()) {
                    Resource res = m.resource() == null ? pkg.resources().get(0) : pkg.resource(m.resource()).orElseThrow();
                    Field f = res.schema().field(m.source()).orElseThrow();
                    Path stored = tmp.resolve("store").resolve("datasets/" + r.dataset().owner() + "/" + r.dataset().name()
                            + "/revisions/" + rev.dir() + "/" + rev.resources().get(res.name()).get(0));
                    BigDecimal expected = duckTotal(stored, f, res.schema().missingValues());
                    assertThat(r.totals().get(m.name())).as(name + " measure " + m.name()).isEqualByComparingTo(expected);
                    totalsChecked++;
                }
            }
        }
        assertThat(published).isGreaterThanOrEqualTo(14);
        assertThat(totalsChecked).isGreaterThanOrEqualTo(14);
    }

    @Test
    void knownTotalsFromTheSourcesHold() {
        PackageImporter importer = new PackageImporter(store, new SafeFetcher(SafeFetcher.Policy.DEFAULT),
                SafeZip.Limits.DEFAULT);
        ImportReport uk = importer.importPackage(Corpus.get("ukgov-cra-sample").toString(), "known", "uk");
        assertThat(uk.totals().get("amount")).isEqualByComparingTo("12008553000.04");
        ImportReport cra = importer.importPackage(Corpus.get("babbage-test-fixtures").toString(), "known", "cra");
        assertThat(cra.ok()).as(cra.toText()).isTrue();
        assertThat(cra.totals().get("amount")).isEqualByComparingTo("-371500000");
        assertThat(cra.notKept()).anyMatch(n -> n.contains("joined dimension table cap_or_cur.csv"))
                .anyMatch(n -> n.contains("models/mexico.json"));
        ImportReport moldova = importer.importPackage(Corpus.get("boost-moldova-2014").toString(), "known", "md");
        assertThat(moldova.totals()).containsEntry("approved", new BigDecimal("730448500"));
        assertThat(moldova.totals().get("executed")).isEqualByComparingTo("738288201.78");
    }

    @Test
    void legacyExportKeepsTheStarJoinedLabels() throws Exception {
        PackageImporter importer = new PackageImporter(store, new SafeFetcher(SafeFetcher.Policy.DEFAULT),
                SafeZip.Limits.DEFAULT);
        ImportReport r = importer.importPackage(Corpus.get("babbage-test-fixtures").resolve("models/cra.json").toString(),
                "legacy", "cra");
        assertThat(r.ok()).as(r.toText()).isTrue();
        Revision rev = store.revision(r.dataset(), null);
        String csv;
        try (var in = store.open(rev, "data/cra.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (var records = de.siegmar.fastcsv.reader.CsvReader.builder().ofCsvRecord(csv)) {
            assertThat(records.stream().count()).isEqualTo(37); // header + babbage's 36 facts
        }
        assertThat(csv).contains("Current Expenditure").contains("Capital Expenditure");
        DataPackage pkg = store.descriptor(rev);
        assertThat(pkg.model().dimensions().get("cap_or_cur").attributes()).containsKeys("code", "label");
    }

    @Test
    void ckanDumpBecomesAPackageWithItsMetadata() throws Exception {
        Path dump = Files.createDirectories(tmp.resolve("ckan"));
        Files.copy(Corpus.get("demo-al-treasury-spending").resolve("data/treasury.csv"), dump.resolve("treasury.csv"));
        Files.writeString(dump.resolve("package.json"), """
                {"help": "https://demo.ckan.org/api/3/action/help_show?name=package_show", "success": true,
                 "result": {"name": "al-treasury", "title": "Albania treasury payments", "notes": "Payments by institution",
                   "license_id": "cc-by", "license_title": "Creative Commons Attribution",
                   "organization": {"name": "minfin-al"}, "tags": [{"name": "treasury"}, {"name": "albania"}],
                   "resources": [
                     {"id": "r1", "name": "Treasury payments", "format": "CSV", "url": "https://demo.ckan.org/dl/treasury.csv"},
                     {"id": "r2", "name": "Methodology", "format": "PDF", "url": "https://demo.ckan.org/dl/method.pdf"},
                     {"id": "r3", "name": "Lost", "format": "CSV", "url": "https://demo.ckan.org/dl/gone.csv"}]}}
                """);
        PackageImporter importer = new PackageImporter(store, new SafeFetcher(SafeFetcher.Policy.DEFAULT),
                SafeZip.Limits.DEFAULT);
        ImportReport r = importer.importPackage(dump.toString(), null, null);
        assertThat(r.ok()).as(r.toText()).isTrue();
        assertThat(r.dataset().toString()).isEqualTo("minfin-al/al-treasury");
        assertThat(r.notKept()).anyMatch(n -> n.contains("'Methodology' (pdf) not kept"))
                .anyMatch(n -> n.contains("'Lost' not kept"));
        DataPackage pkg = store.descriptor(store.revision(r.dataset(), null));
        assertThat(pkg.title()).isEqualTo("Albania treasury payments");
        assertThat(pkg.description()).isEqualTo("Payments by institution");
        assertThat(pkg.extra("keywords").toString()).contains("treasury").contains("albania");
        assertThat(pkg.extra("licenses").path(0).path("name").asText()).isEqualTo("cc-by");
        assertThat(pkg.model()).isNotNull();
        assertThat(r.totals()).isNotEmpty();
    }

    @Test
    void plainCsvsBecomeOneDatasetEach() {
        PackageImporter importer = new PackageImporter(store, new SafeFetcher(SafeFetcher.Policy.DEFAULT),
                SafeZip.Limits.DEFAULT);
        List<ImportReport> rs = importer.importSource(Corpus.get("dpp-fiscal-supersimple").toString(), "dpp", null);
        assertThat(rs).extracting(r -> r.dataset().name()).containsExactly("budget", "simple");
        assertThat(rs).allMatch(ImportReport::ok);
        // simple.csv has values like "10,200,300.48": the loader found the group separator.
        assertThat(new ArrayList<>(rs.get(1).totals().values())).isNotEmpty();
    }
}
