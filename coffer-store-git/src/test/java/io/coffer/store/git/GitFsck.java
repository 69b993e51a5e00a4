package io.coffer.store.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the real git against a store's repositories. */
final class GitFsck {
    private GitFsck() {
    }

    /** Every repository of a store root: store.git and datasets/{owner}/{name}.git. */
    static List<Path> repositories(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(root.resolve("store.git"))) {
            out.add(root.resolve("store.git"));
        }
        Path datasets = root.resolve("datasets");
        if (Files.isDirectory(datasets)) {
            try (Stream<Path> s = Files.walk(datasets, 2)) {
                s.filter(p -> p.getFileName().toString().endsWith(".git") && Files.isDirectory(p)).sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** {@code git fsck --full} must exit 0 and report no error, missing or broken object. */
    static void assertClean(Path repo) throws Exception {
        Result r = git(repo, "--git-dir=" + repo, "fsck", "--full", "--strict");
        assertThat(r.exit).as("git fsck of %s:%n%s", repo, r.output).isZero();
        assertThat(r.output.toLowerCase(java.util.Locale.ROOT)).as("git fsck of %s", repo)
                .doesNotContain("error").doesNotContain("missing").doesNotContain("broken")
                .doesNotContain("corrupt");
    }

    record Result(int exit, String output) {
    }

    static Result git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
