package io.coffer.server;

import io.coffer.testing.Corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.coffer.server.cli.CofferCli;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliIT {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    String store() {
        return tmp.resolve("store").toString();
    }

    @Test
    void publishThenPullGivesBackIdenticalFiles() throws Exception {
        Path src = Corpus.get("ukgov-cra-sample");
        Result p = run("publish", src.toString(), "--owner", "ukgov", "--store", store());
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("published ukgov/ukgov-finances-cra revision 1");
        // --store works before the subcommand too
        Result pull = run("--store", store(), "pull", "ukgov/ukgov-finances-cra", tmp.resolve("x").toString());
        assertThat(pull.code()).as(pull.err()).isZero();
        for (String f : List.of("datapackage.json", "dataset.csv")) {
            assertThat(Files.readAllBytes(tmp.resolve("x").resolve(f))).isEqualTo(Files.readAllBytes(src.resolve(f)));
        }
        try (Stream<Path> s = Files.list(tmp.resolve("x"))) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("datapackage.json", "dataset.csv");
        }
    }

    @Test
    void showListsRevisionsAndChecksumsAndOlderRevisionsPull() throws Exception {
        Path src = Corpus.get("fdp03-labels-and-hierarchies");
        run("publish", src.toString(), "--owner", "demo", "--name", "hier", "--store", store(), "--allow-invalid");
        run("publish", src.resolve("datapackage.json").toString(), "--owner", "demo", "--name", "hier", "--store", store(),
                "--allow-invalid");
        Result show = run("show", "demo/hier@1", "--store", store());
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("revision   1").contains("budget.csv").contains("sha256:")
                .contains("@2").contains("@1").contains("measures   amount");
        Result ls = run("ls", "--store", store());
        assertThat(ls.out()).contains("demo/hier").contains("@2");
        assertThat(run("pull", "demo/hier@1", tmp.resolve("old").toString(), "--store", store()).code()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("old/budget.csv"))).isEqualTo(Files.readAllBytes(src.resolve("budget.csv")));
        assertThat(run("show", "demo/hier@7", "--store", store()).err()).contains("has no revision 7");
    }

    @Test
    void deleteNeedsConfirmationThenRemovesAndRegistryFollows() throws Exception {
        run("publish", Corpus.get("fdp03-transform-needed").toString(), "--owner", "demo", "--store", store(),
                "--allow-invalid");
        String catalog = Files.readString(tmp.resolve("store/registry/data/catalog.csv"));
        assertThat(catalog).contains("datasets/demo/transform-needed/datapackage.json,transform-needed,demo");
        Result refused = run("delete", "demo/transform-needed", "--store", store());
        assertThat(refused.code()).isEqualTo(CofferCli.USAGE);
        assertThat(refused.err()).contains("--yes");
        assertThat(run("delete", "demo/transform-needed", "--yes", "--store", store()).code()).isZero();
        assertThat(Files.readString(tmp.resolve("store/registry/data/catalog.csv"))).isEqualTo("url,name,owner\r\n");
        assertThat(run("ls", "--store", store()).out()).isEmpty();
        // A lost registry is rebuilt from the datasets.
        run("publish", Corpus.get("fdp03-transform-needed").toString(), "--owner", "demo", "--store", store(),
                "--allow-invalid");
        Files.delete(tmp.resolve("store/registry/data/catalog.csv"));
        Result rebuilt = run("registry", "rebuild", "--store", store());
        assertThat(rebuilt.out()).contains("1 datasets");
        assertThat(Files.readString(tmp.resolve("store/registry/data/catalog.csv"))).contains("transform-needed,demo");
    }

    @Test
    void everyCorpusPackageWithAValidDescriptorPublishes() throws Exception {
        List<String> published = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Corpus.root())) {
            for (Path d : dirs.sorted().toList()) {
                if (!Files.exists(d.resolve("datapackage.json")) || BROKEN.containsKey(d.getFileName().toString())) {
                    continue;
                }
                String name = d.getFileName().toString();
                if (DATA_ERRORS.containsKey(name)) {
                    // Data that contradicts its own schema is refused by default, with row and column named...
                    Result refused = run("publish", d.toString(), "--owner", "corpus", "--store", store());
                    assertThat(refused.code()).as(name).isEqualTo(CofferCli.FAILED);
                    assertThat(refused.err()).as(name).contains(DATA_ERRORS.get(name)).contains("not published");
                }
                // ...and every package with a valid descriptor can be published (data errors acknowledged).
                Result r = run("publish", d.toString(), "--owner", "corpus", "--store", store(), "--allow-invalid");
                assertThat(r.code()).as(d + ": " + r.err()).isZero();
                published.add(name);
            }
        }
        assertThat(published).hasSize(12);
        String catalog = Files.readString(tmp.resolve("store/registry/data/catalog.csv"));
        assertThat(catalog.split("\r\n")).hasSize(13);
    }

    /** Corpus packages whose data contradicts their schema upstream, and what the report must say. */
    static final Map<String, String> DATA_ERRORS = Map.of(
            "demo-au-budget", "[type-error]",
            "demo-eu-funds-absorption-rate-2007-2013", "row 2, field 2 'Year': [type-error]",
            "demo-openspending-macedonia", "[blank-row]",
            "fdp03-labels-and-hierarchies", "row 2, field 6 'budget_date': [type-error]",
            "fdp03-transform-needed", "[type-error]",
            "os-packager-example", "[extra-label] The label \"id\"");

    /** The corpus packages that are broken upstream, and a word each refusal must contain. */
    static final Map<String, String> BROKEN = Map.of(
            "fdp03-minimal", "'pk' but the schema's field 1 is 'expenditure'",
            "fdp03-entities-denormalized", "'payee_id' but the schema's field 4 is 'payee_name'",
            "fdp03-entities-normalized", "'budget_date' but the schema's field 3 is 'date'",
            "gb-cra-static-aggregates", "file 'data/cra.csv' is not in the package");

    @ParameterizedTest
    @CsvSource({"fdp03-minimal", "fdp03-entities-denormalized", "fdp03-entities-normalized", "gb-cra-static-aggregates"})
    void brokenCorpusPackagesAreRefusedNamingTheField(String name) {
        Result r = run("publish", Corpus.get(name).toString(), "--owner", "corpus", "--store", store());
        assertThat(r.code()).isEqualTo(CofferCli.FAILED);
        assertThat(r.err()).contains("package refused").contains(BROKEN.get(name));
        assertThat(run("ls", "--store", store()).out()).isEmpty();
    }

    @Test
    void badNamesAndUsageErrors() {
        Result bad = run("publish", Corpus.get("fdp03-transform-needed").toString(), "--owner", "../etc", "--store", store());
        assertThat(bad.code()).isEqualTo(CofferCli.FAILED);
        assertThat(bad.err()).contains("owner '../etc' is invalid");
        assertThat(run("show", "nope", "--store", store()).err()).contains("not of the form owner/name");
        assertThat(run("frobnicate").code()).isEqualTo(CofferCli.USAGE);
        assertThat(run("publish", "/definitely/not/here", "--owner", "x", "--store", store()).err())
                .contains("no datapackage.json");
    }

    @Test
    void expectRevisionPublishesOnlyOverTheRevisionExpected() {
        String src = Corpus.get("ukgov-cra-sample").toString();
        Result created = run("publish", src, "--owner", "ukgov", "--name", "cra", "--expect-revision", "0", "--store", store());
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("published ukgov/cra revision 1");
        Result exists = run("publish", src, "--owner", "ukgov", "--name", "cra", "--expect-revision", "0", "--store", store());
        assertThat(exists.code()).isEqualTo(CofferCli.CONFLICT);
        assertThat(exists.err()).contains("dataset ukgov/cra is at revision 1, not 0; nothing was published");

        // Two publishers that both saw revision 1: the second must not replace what it has not seen.
        Result first = run("publish", src, "--owner", "ukgov", "--name", "cra", "--expect-revision", "1", "--store", store());
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("published ukgov/cra revision 2");
        Result second = run("publish", src, "--owner", "ukgov", "--name", "cra", "--expect-revision", "1", "--store", store());
        assertThat(second.code()).isEqualTo(CofferCli.CONFLICT);
        assertThat(second.err()).contains("is at revision 2, not 1; nothing was published");
        assertThat(second.out()).doesNotContain("published");
        assertThat(run("ls", "--store", store()).out()).contains("ukgov/cra").contains("@2").doesNotContain("@3");

        Result negative = run("publish", src, "--owner", "ukgov", "--name", "cra", "--expect-revision", "-1", "--store", store());
        assertThat(negative.code()).isEqualTo(CofferCli.USAGE);
        assertThat(negative.err()).contains("--expect-revision must be 0");
    }

    @Test
    void expectRevisionTravelsAsAPreconditionWithRemote() throws Exception {
        MetaDb db = MetaDb.inMemory("cli-expect-" + System.nanoTime());
        DataStore ds = new DataStore(new InMemoryBlobStore("cli-expect-" + System.nanoTime()));
        Security sec = new Security(db, ds);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "ukgov");
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "cli test").secret());
        try (TestServer server = TestServer.builder().store(ds).db(db).maxUploadBytes(64L << 20).uploadDir(tmp.resolve("uploads")).start()) {
            String url = "http://127.0.0.1:" + server.port();
            String src = Corpus.get("ukgov-cra-sample").toString();
            List<String> remote = List.of("publish", src, "--owner", "ukgov", "--name", "cra", "--remote", url,
                    "--token-file", tokenFile.toString(), "--expect-revision");

            Result created = run(with(remote, "0"));
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).contains("published ukgov/cra revision 1");
            Result exists = run(with(remote, "0"));
            assertThat(exists.code()).isEqualTo(CofferCli.CONFLICT);
            assertThat(exists.err()).contains("dataset ukgov/cra is at revision 1, not 0; nothing was published");

            assertThat(run(with(remote, "1")).out()).contains("published ukgov/cra revision 2");
            Result stale = run(with(remote, "1"));
            assertThat(stale.code()).isEqualTo(CofferCli.CONFLICT);
            assertThat(stale.err()).contains("is at revision 2, not 1; nothing was published");
            assertThat(ds.revisions(DatasetId.of("ukgov", "cra"))).hasSize(2);
        } finally {
            ds.close();
            db.close();
        }
    }

    private static String[] with(List<String> args, String last) {
        List<String> all = new ArrayList<>(args);
        all.add(last);
        return all.toArray(String[]::new);
    }

    @Test
    void importGivesAReportPerSourceAndFailsIfAnyIsRefused() {
        Result r = run("import", Corpus.get("demo-eu-allocations-per-ms-2014-2020").toString(),
                Corpus.get("fdp03-minimal").toString(), "--owner", "eu", "--store", store());
        assertThat(r.code()).isEqualTo(CofferCli.FAILED);
        assertThat(r.out()).contains("imported eu/eu_allocations_per_ms_2014_2020 revision 1")
                .contains("not imported: ").contains("'pk' but the schema's field 1 is 'expenditure'");
        assertThat(run("ls", "--store", store()).out()).contains("eu/eu_allocations_per_ms_2014_2020");
    }

    @Test
    void mirrorsAreRegisteredListedAndRemoved() {
        assertThat(run("mirror", "add", "http://127.0.0.1/x.json", "a/b", "--store", store()).err())
                .contains("loopback");
        Result add = run("mirror", "add", "http://127.0.0.1:1/x.json", "a/b", "--every", "1d", "--allow-private-urls",
                "--store", store());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(run("mirror", "list", "--store", store()).out()).contains("a/b").contains("registered");
        Result refresh = run("mirror", "refresh", "a/b", "--allow-private-urls", "--store", store());
        assertThat(refresh.code()).isEqualTo(CofferCli.FAILED);
        assertThat(refresh.out()).contains("FAILED");
        assertThat(run("mirror", "rm", "a/b", "--store", store()).out()).contains("removed a/b");
    }

    @Test
    void initValidateThenPublishAMessyCsv() throws Exception {
        Path csv = Corpus.get("demo-openspending-macedonia").resolve("MFBudzetIRebalansNaRMmk-MK.csv");
        Path out = tmp.resolve("mk");
        Result init = run("init", csv.toString(), "--out", out.toString());
        assertThat(init.code()).as(init.out() + init.err()).isZero();
        assertThat(init.out()).contains("package written to").contains("total ");
        assertThat(Files.exists(out.resolve("datapackage.json"))).isTrue();
        assertThat(Files.exists(out.resolve("mapping.json"))).isTrue();
        Result valid = run("validate", out.toString());
        assertThat(valid.code()).as(valid.out()).isZero();
        assertThat(valid.out()).startsWith("VALID");
        Result pub = run("publish", out.toString(), "--owner", "mk", "--name", "budget", "--store", store());
        assertThat(pub.code()).as(pub.err()).isZero();
        assertThat(pub.out()).contains("published mk/budget revision 1");
        Result invalid = run("validate", Corpus.get("fdp03-labels-and-hierarchies").toString(), "--json");
        assertThat(invalid.code()).isEqualTo(CofferCli.FAILED);
        assertThat(invalid.out()).contains("\"type-error\"").contains("\"rowNumber\"");
    }
}
