package io.coffer.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageImporterTest {
    @TempDir
    Path tmp;
    DataStore store = new DataStore(new InMemoryBlobStore("import"));
    SafeFetcher loopbackOk = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(true));
    PackageImporter importer = new PackageImporter(store, loopbackOk, SafeZip.Limits.DEFAULT);

    static byte[] zipDir(Path dir, String prefix) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos); Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(prefix + dir.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, z);
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    static byte[] read(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void importsADirectoryWithALegacyMappingDescriptor() throws Exception {
        ImportReport r = importer.importPackage(Corpus.get("demo-al-treasury-spending").toString(), "al", null);
        assertThat(r.ok()).as(r.toText()).isTrue();
        assertThat(r.dataset()).isEqualTo(DatasetId.of("al", "al-treasury-spending"));
        assertThat(r.kept()).anyMatch(k -> k.startsWith("data/treasury.csv"));
        assertThat(r.notKept()).contains("SOURCE.txt (not referenced by the descriptor)");
        assertThat(store.descriptor(store.revision(r.dataset(), null)).model().measures()).containsKey("amount");
    }

    @Test
    void importsAZipWithATopLevelFolder() throws Exception {
        Path zip = tmp.resolve("pkg.zip");
        Files.write(zip, zipDir(Corpus.get("fdp03-labels-and-hierarchies"), "labels/"));
        // Its dates (01/01/2015) do not follow the schema's default date format: refused like any publish...
        ImportReport refused = importer.importPackage(zip.toString(), "demo", "labels");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.toText()).contains("does not match its schema").contains("row 2, field 6 'budget_date'")
                .contains("--allow-invalid");
        assertThat(store.exists(DatasetId.of("demo", "labels"))).isFalse();
        // ...and imported as it is when asked.
        ImportReport r = importer.allowingInvalid().importPackage(zip.toString(), "demo", "labels");
        assertThat(r.ok()).as(r.toText()).isTrue();
        assertThat(read(store.open(store.revision(DatasetId.of("demo", "labels"), null), "budget.csv")))
                .isEqualTo(Files.readAllBytes(Corpus.get("fdp03-labels-and-hierarchies").resolve("budget.csv")));
    }

    @Test
    void importsFromAUrlFetchingEachResourceBesideTheDescriptor() throws Exception {
        Path src = Corpus.get("demo-madrid-municipal-gastos");
        try (LoopbackServer s = new LoopbackServer()) {
            s.files.put("/pkgs/madrid/datapackage.json", Files.readAllBytes(src.resolve("datapackage.json")));
            s.files.put("/pkgs/madrid/data/gastos_v40_2012-2015.csv",
                    Files.readAllBytes(src.resolve("data/gastos_v40_2012-2015.csv")));
            ImportReport r = importer.importPackage(s.url("/pkgs/madrid/datapackage.json").toString(), "madrid", null);
            assertThat(r.ok()).as(r.toText()).isTrue();
            assertThat(read(store.open(store.revision(r.dataset(), null), "data/gastos_v40_2012-2015.csv")))
                    .isEqualTo(Files.readAllBytes(src.resolve("data/gastos_v40_2012-2015.csv")));
            // And a zip behind a URL.
            s.files.put("/pkg.zip", zipDir(Corpus.get("fdp03-transform-needed"), ""));
            assertThat(importer.allowingInvalid().importPackage(s.url("/pkg.zip").toString(), "demo", "tn").ok()).isTrue();
        }
    }

    @Test
    void brokenPackagesGiveAReportNamingTheProblem() {
        ImportReport minimal = importer.importPackage(Corpus.get("fdp03-minimal").toString(), "x", null);
        assertThat(minimal.ok()).isFalse();
        assertThat(minimal.problems()).anyMatch(p -> p.contains("'pk' but the schema's field 1 is 'expenditure'"));
        ImportReport gb = importer.importPackage(Corpus.get("gb-cra-static-aggregates").toString(), "x", null);
        assertThat(gb.problems()).anyMatch(p -> p.contains("data/cra.csv"));
        assertThat(gb.toText()).startsWith("not imported");
        ImportReport nothing = importer.importPackage(tmp.resolve("nope").toString(), "x", null);
        assertThat(nothing.ok()).isFalse();
        assertThat(store.list()).isEmpty();
    }
}
