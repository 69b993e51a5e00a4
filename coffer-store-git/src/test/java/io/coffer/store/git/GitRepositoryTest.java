package io.coffer.store.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.Stores;
import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.testkit.TestPackages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What only a git store promises: plain-git clones of datasets, a real history, push, fsck-clean repositories. */
class GitRepositoryTest {
    @TempDir
    Path tmp;

    static String url(Path root) {
        return "git://" + root.toUri().getPath();
    }

    /** A corpus package, found by the shared finder (COFFER_CORPUS in CI, where missing is a failure). */
    static Optional<Path> corpus(String name) {
        return Optional.of(io.coffer.testing.Corpus.get(name));
    }

    @Test
    void aPublishedDatasetClonesWithPlainGitAndHoldsTheDataPackageAtItsRoot() throws Exception {
        Optional<Path> source = corpus("ukgov-cra-sample");
        Path root = tmp.resolve("store");
        DatasetId id = DatasetId.of("ukgov", "cra");
        Revision rev;
        try (DataStore store = Stores.open(url(root), Map.of())) {
            store.publish(id, TestPackages.stamped("first", 1, 10));
            rev = store.publish(id, PackageSource.directory(source.get()));
            assertThat(store.verify(rev)).isEmpty();
        }
        Path repo = root.resolve("datasets/ukgov/cra.git");
        GitFsck.assertClean(repo);

        Path clone = tmp.resolve("clone");
        GitFsck.Result r = GitFsck.git(tmp, "clone", "--quiet", repo.toString(), clone.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(rev.files()).extracting(FileEntry::path).contains("datapackage.json", "dataset.csv");
        for (FileEntry f : rev.files()) {
            assertThat(clone.resolve(f.path())).as(f.path()).exists();
            assertThat(Files.readAllBytes(clone.resolve(f.path())))
                    .as("%s in the clone equals the published file", f.path())
                    .isEqualTo(Files.readAllBytes(source.get().resolve(f.path())));
        }
        // The package at the root, Coffer's own records beside it, nothing else.
        try (var files = Files.list(clone)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(".coffer", ".git", "datapackage.json", "dataset.csv");
        }
        assertThat(clone.resolve(".coffer/manifest.json")).exists();
        assertThat(io.coffer.model.Json.parse(Files.readAllBytes(clone.resolve(".coffer/ref.json")), "ref").path("latest").asLong()).isEqualTo(2);
        // Each revision is one commit, newest first, named by its trailer.
        String log = GitFsck.git(clone, "log", "--format=%s|%(trailers:key=Coffer-Revision,valueonly)").output();
        assertThat(log.lines().filter(l -> !l.isBlank()).toList()).hasSize(2);
        assertThat(log).startsWith("Publish revision 2|" + rev.dir());
        GitFsck.assertClean(clone.resolve(".git"));
    }

    @Test
    void deletingADatasetStartsAParentlessHistoryAndRepublishingContinuesTheNumbers() throws Exception {
        Path root = tmp.resolve("store");
        DatasetId id = DatasetId.of("gov", "budget");
        Path repo = root.resolve("datasets/gov/budget.git");
        try (DataStore store = Stores.open(url(root), Map.of())) {
            store.publish(id, TestPackages.stamped("a", 1, 5));
            store.publish(id, TestPackages.stamped("b", 2, 5));
            assertThat(GitFsck.git(repo, "--git-dir=" + repo, "rev-list", "--count", "main").output().trim())
                    .isEqualTo("2");
            store.delete(id);
            assertThat(store.exists(id)).isFalse();
            assertThat(store.blobs().list("datasets/gov/budget/revisions/", 100)).isEmpty();
            assertThat(GitFsck.git(repo, "--git-dir=" + repo, "rev-list", "--count", "main").output().trim())
                    .as("the tombstone has no parent: old revisions are unreachable").isEqualTo("1");
            Revision again = store.publish(id, TestPackages.stamped("c", 3, 5));
            assertThat(again.revision()).isEqualTo(3);
            assertThat(store.revisions(id)).hasSize(1);
        }
        GitFsck.assertClean(repo);
        GitFsck.assertClean(root.resolve("store.git"));
    }

    @Test
    void keysThatGitForbidsInRefNamesRoundTrip() throws Exception {
        Path root = tmp.resolve("store");
        List<String> keys = List.of("odd/with space.csv", "odd/.hidden", "odd/name.lock", "odd/a..b", "odd/x:y?*[z]",
                "odd/caf\u00e9 \u20ac.csv", "odd/end.", "odd/~tilde^caret", "odd/100%.txt");
        try (BlobStore store = Stores.openBlobStore(url(root), Map.of())) {
            for (String k : keys) {
                byte[] b = k.getBytes(StandardCharsets.UTF_8);
                store.put(k, new ByteArrayInputStream(b), b.length);
            }
            assertThat(store.list("odd/", 100)).extracting(BlobInfo::key)
                    .containsExactlyElementsOf(keys.stream().sorted().toList());
            for (String k : keys) {
                try (InputStream in = store.open(k).orElseThrow()) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(k);
                }
            }
        }
        GitFsck.assertClean(root.resolve("store.git"));
    }

    @Test
    void publishedRevisionFilesAreImmutable() throws Exception {
        try (DataStore store = Stores.open(url(tmp.resolve("store")), Map.of())) {
            Revision r = store.publish(DatasetId.of("gov", "fixed"), TestPackages.stamped("a", 1, 5));
            String key = "datasets/gov/fixed/revisions/" + r.dir() + "/data/spending.csv";
            assertThat(store.blobs().stat(key)).isPresent();
            assertThatThrownBy(() -> store.blobs().delete(key)).hasMessageContaining("history");
            assertThatThrownBy(() -> store.blobs().put("datasets/gov/fixed/revisions/x/.coffer/m",
                    new ByteArrayInputStream(new byte[1]), 1)).isInstanceOf(CofferException.class);
        }
    }

    @Test
    void pushesMirrorMainToTheRemoteAndNeverLogTheToken() throws Exception {
        Path remotes = tmp.resolve("remotes");
        Path remote = remotes.resolve("gov/spending.git");
        Files.createDirectories(remote.getParent());
        assertThat(GitFsck.git(tmp, "init", "--quiet", "--bare", remote.toString()).exit()).isZero();
        String token = "ghp_secretTokenThatMustNeverBeLogged";

        Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        rootLogger.addAppender(logs);
        Level before = rootLogger.getLevel();
        rootLogger.setLevel(Level.DEBUG);
        Path root = tmp.resolve("store");
        try {
            Map<String, String> config = Map.of("remote", remotes.toUri().toString(), "remoteUser", "coffer-bot",
                    "remoteToken", token);
            try (DataStore store = Stores.open(url(root), config)) {
                assertThat(store.blobs().describe()).contains("pushing to").doesNotContain(token);
                store.publish(DatasetId.of("gov", "spending"), TestPackages.stamped("a", 1, 5));
                store.publish(DatasetId.of("gov", "spending"), TestPackages.stamped("b", 2, 5));
                // No remote repository exists for this one: the push fails, the publish does not.
                store.publish(DatasetId.of("gov", "unmirrored"), TestPackages.stamped("c", 1, 5));
            } // close waits for the queued pushes
        } finally {
            rootLogger.detachAppender(logs);
            rootLogger.setLevel(before);
        }
        Path local = root.resolve("datasets/gov/spending.git");
        assertThat(GitFsck.git(remote, "--git-dir=" + remote, "rev-parse", "main").output())
                .isEqualTo(GitFsck.git(local, "--git-dir=" + local, "rev-parse", "main").output());
        GitFsck.assertClean(remote);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("push of gov/unmirrored"));
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(token));
    }

    @Test
    void remoteUrlsAreRedactedAndLocationsParsed() {
        assertThat(GitRemote.redact("https://bot:tok3n@github.com/org/{owner}-{name}.git"))
                .isEqualTo("https://***@github.com/org/{owner}-{name}.git");
        GitRemote r = new GitRemote("https://github.com/coffer-data/{owner}--{name}.git", null, "t");
        assertThat(r.urlFor(DatasetId.of("gov", "x"))).isEqualTo("https://github.com/coffer-data/gov--x.git");
        assertThat(new GitRemote("/srv/mirror/", null, null).urlFor(DatasetId.of("gov", "x")))
                .isEqualTo("/srv/mirror/gov/x.git");
        assertThat(GitBlobStoreProvider.root(URI.create("git:///var/lib/coffer"))).isEqualTo(Path.of("/var/lib/coffer"));
        assertThat(GitBlobStoreProvider.root(URI.create("git:data/store")))
                .isEqualTo(Path.of("data/store").toAbsolutePath().normalize());
        assertThatThrownBy(() -> GitBlobStoreProvider.root(URI.create("git://host/x")))
                .isInstanceOf(CofferException.class);
    }
}
