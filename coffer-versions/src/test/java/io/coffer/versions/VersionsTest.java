package io.coffer.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionsTest {
    static final DatasetId ID = DatasetId.of("city", "grants");
    static final String V1 = """
            {"name": "grants", "resources": [{"name": "grants", "path": "g.csv",
              "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "to", "type": "string"},
                                    {"name": "amount", "type": "integer"}], "primaryKey": "id"}}]}""";
    static final String V3 = """
            {"name": "grants", "resources": [{"name": "grants", "path": "g.csv",
              "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "to", "type": "string"},
                                    {"name": "amount", "type": "number"}, {"name": "note", "type": "string"}],
                         "primaryKey": "id"}}]}""";
    static final String V4 = """
            {"name": "grants", "resources": [{"name": "grants", "path": "g.csv",
              "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "number"},
                                    {"name": "note", "type": "string"}], "primaryKey": "id"}}]}""";

    @TempDir
    Path tmp;
    DataStore store;
    Versions versions;

    @BeforeEach
    void setUp() throws Exception {
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        versions = new Versions(store, tmp.resolve("work"), 1, "256MB");
    }

    @AfterEach
    void tearDown() throws Exception {
        versions.close();
        store.close();
    }

    Revision publish(String descriptor, String csv, boolean breaking) {
        DataPackage pkg = DataPackage.read(descriptor.getBytes(StandardCharsets.UTF_8));
        Semver.checkPublish(store, ID, pkg, breaking);
        return store.publish(ID, PackageSource.of(descriptor.getBytes(StandardCharsets.UTF_8),
                Map.of("g.csv", csv.getBytes(StandardCharsets.UTF_8))));
    }

    void fourRevisions() {
        publish(V1, "id,to,amount\na,Alpha,10\nb,Beta,20\nc,=HYPERLINK(\"x\"),30\n", false);
        publish(V1, "id,to,amount\na,Alpha,11\nc,=HYPERLINK(\"x\"),30\nd,Delta,40\n", false);
        publish(V3, "id,to,amount,note\na,Alpha,11.5,\nc,=HYPERLINK(\"x\"),30,n\nd,Delta,40,\n", false);
        publish(V4, "id,amount,note\na,11.5,\nd,40,\n", true);
    }

    @Test
    void semverFollowsTheSchemaChangesOfEachRevision() throws Exception {
        fourRevisions();
        assertThat(List.of(1L, 2L, 3L, 4L).stream().map(r -> Semver.of(store, ID, r).version()).toList())
                .containsExactly("1.0.0", "1.0.1", "1.1.0", "2.0.0");
        Semver.Info four = Semver.of(store, ID, 4);
        assertThat(four.level()).isEqualTo(SchemaCompatibility.Level.MAJOR);
        assertThat(four.reasons()).contains("field 'to' was dropped");
        // kept beside the revision
        assertThat(store.blobs().stat(Versions.derivedPrefix(store.revision(ID, 4L)) + Semver.FILE)).isPresent();
    }

    @Test
    void aBreakingPublishIsRefusedWithoutTheFlagNamingTheField() {
        publish(V1, "id,to,amount\na,Alpha,10\n", false);
        assertThatThrownBy(() -> publish(V4, "id,amount,note\na,10,\n", false))
                .isInstanceOf(CofferException.class)
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("field 'to' was dropped");
        assertThat(store.revisions(ID)).hasSize(1);
    }

    @Test
    void diffReportsSchemaAndKeyedRowChangesWithCounts() {
        fourRevisions();
        JsonNode d = Diff.json(versions, store.revision(ID, 1L), store.revision(ID, 2L), null, 100, 0);
        assertThat(d.path("counts").path("added").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("removed").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("changed").asLong()).isEqualTo(1);
        assertThat(d.path("counts").path("unchanged").asLong()).isEqualTo(1);
        JsonNode rows = d.path("rows");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).path("op").asText()).isEqualTo("changed");
        assertThat(rows.get(0).path("key").path("id").asText()).isEqualTo("a");
        assertThat(rows.get(0).path("old").path("amount").asText()).isEqualTo("10");
        assertThat(rows.get(0).path("new").path("amount").asText()).isEqualTo("11");
        assertThat(rows.get(1).path("op").asText()).isEqualTo("removed");
        assertThat(rows.get(2).path("op").asText()).isEqualTo("added");
        assertThat(rows.get(2).path("new").path("to").asText()).isEqualTo("Delta");

        JsonNode s = Diff.json(versions, store.revision(ID, 2L), store.revision(ID, 4L), null, 1, 0);
        assertThat(s.path("schema").path("removed").get(0).path("name").asText()).isEqualTo("to");
        assertThat(s.path("compatibility").path("level").asText()).isEqualTo("major");
        assertThat(s.path("rows")).hasSize(1);
        assertThat(s.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void diffCsvHasOneLinePerSideAndNeutralisesFormulas() {
        fourRevisions();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Diff.Counts c = Diff.csv(versions, store.revision(ID, 1L), store.revision(ID, 4L), null, out);
        String csv = out.toString(StandardCharsets.UTF_8);
        // the new revision's fields first, then those only the old one had
        assertThat(csv.lines().toList()).containsExactly(
                "_op,id,amount,note,to",
                "changed-from,a,10,,Alpha",
                "changed-to,a,11.5,,",
                "removed,b,20,,Beta",
                "removed,c,30,,\"'=HYPERLINK(\"\"x\"\")\"",
                "added,d,40,,");
        assertThat(c).isEqualTo(new Diff.Counts(3, 2, 1, 2, 1));
    }

    @Test
    void historyListsEveryVersionOfARecord() throws Exception {
        fourRevisions();
        Revision latest = store.revision(ID, null);
        List<History.Version> a = History.of(versions, latest, null, List.of("a"));
        assertThat(a).extracting(History.Version::firstRevision).containsExactly(1L, 2L, 3L, 4L);
        assertThat(a.get(0).row()).containsEntry("amount", "10").containsEntry("to", "Alpha");
        assertThat(a.get(0).lastLiveRevision()).isEqualTo(1L);
        assertThat(a.get(0).until()).isEqualTo(2L);
        assertThat(a.get(0).firstSeen()).isEqualTo(store.revision(ID, 1L).publishedAt());
        assertThat(a.get(3).until()).isNull();
        List<History.Version> b = History.of(versions, latest, null, List.of("b"));
        assertThat(b).hasSize(1);
        assertThat(b.get(0).lastLiveRevision()).isEqualTo(1L);
        assertThat(b.get(0).until()).isEqualTo(2L);
        // the history is kept beside the revision
        assertThat(store.blobs().stat(History.key(latest, "grants"))).isPresent();
        // and a key that never existed has no versions
        assertThat(History.of(versions, latest, null, List.of("zz"))).isEmpty();
    }

    @Test
    void asOfPicksTheLatestRevisionPublishedAtOrBeforeTheTime() {
        fourRevisions();
        Revision two = store.revision(ID, 2L);
        assertThat(AsOf.resolve(store, ID, null, two.publishedAt().toString())).isEqualTo(2L);
        assertThat(AsOf.resolve(store, ID, null, "2999-01-01")).isEqualTo(4L);
        assertThat(AsOf.resolve(store, ID, 3L, null)).isEqualTo(3L);
        assertThatThrownBy(() -> AsOf.resolve(store, ID, null, "2000-01-01T00:00:00Z"))
                .hasMessageContaining("no revision");
        assertThatThrownBy(() -> AsOf.resolve(store, ID, null, "yesterday"))
                .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_REVISION));
    }

    @Test
    void upsertRefusesDuplicateKeysAndKeysBothChangedAndDeleted() throws Exception {
        publish(V1, "id,to,amount\na,Alpha,10\nb,Beta,20\n", false);
        Path pkg = tmp.resolve("pkg");
        Files.createDirectories(pkg);
        Files.writeString(pkg.resolve("datapackage.json"), V1);
        Files.writeString(pkg.resolve("g.csv"), "id,to,amount\na,A,1\na,A,2\n");
        Revision latest = store.revision(ID, null);
        assertThatThrownBy(() -> Upsert.stage(versions, store, latest, pkg, null, tmp.resolve("s1")))
                .hasMessageContaining("more than once");
        Files.writeString(pkg.resolve("g.csv"), "id,to,amount\na,A,1\n");
        Path del = tmp.resolve("del.csv");
        Files.writeString(del, "id\na\n");
        assertThatThrownBy(() -> Upsert.stage(versions, store, latest, pkg, del, tmp.resolve("s2")))
                .hasMessageContaining("both in the changes and the deletes");
        Files.writeString(del, "id\nb\nzz\n");
        Upsert.Result r = Upsert.stage(versions, store, latest, pkg, del, tmp.resolve("s3"));
        assertThat(r).isEqualTo(new Upsert.Result(1, 1, 0, 1, 1));
        assertThat(Files.readString(tmp.resolve("s3/g.csv"))).isEqualTo("id,to,amount\r\na,A,1\r\n");
    }
}
