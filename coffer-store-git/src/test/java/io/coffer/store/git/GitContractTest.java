package io.coffer.store.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.testkit.BlobStoreContract;
import io.coffer.store.testkit.CrashContract;
import io.coffer.store.testkit.DataStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unchanged contract kit on local bare repositories, each store opened by its git: URL through the
 * ServiceLoader. After the kill -9 test, the real git checks every repository the killed publishers left.
 */
class GitContractTest {
    @TempDir
    static Path tmp;

    static Path fresh() throws Exception {
        return Files.createTempDirectory(tmp, "store");
    }

    static String url(Path root) {
        return "git://" + root.toUri().getPath();
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore newStore() throws Exception {
            return Stores.openBlobStore(url(fresh()), java.util.Map.of());
        }
    }

    @Nested
    class Datasets extends DataStoreContract {
        @Override
        protected DataStore newStore() throws Exception {
            return Stores.open(url(fresh()), java.util.Map.of());
        }
    }

    @Nested
    class Crash extends CrashContract {
        Path root;

        @Override
        protected String storeLocation() throws Exception {
            root = fresh();
            return url(root);
        }

        @AfterEach
        void everyRepositoryPassesGitFsck() throws Exception {
            List<Path> repos = GitFsck.repositories(root);
            assertThat(repos).as("repositories left by the killed publishers").isNotEmpty();
            int commits = 0;
            for (Path repo : repos) {
                GitFsck.assertClean(repo);
                if (repo.getParent().getFileName().toString().equals("crash")) {
                    // --branches, not main: a publisher killed before its first switch leaves no main at all.
                    commits += Integer.parseInt(GitFsck.git(repo, "--git-dir=" + repo, "rev-list", "--count",
                            "--branches").output().trim());
                }
            }
            System.out.println("kill -9 test: " + repos.size() + " repositories fsck-clean, " + commits
                    + " revisions published on main");
        }
    }
}
