package io.coffer.store.git;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BlobStoreProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * {@code git:///absolute/root} or {@code git:relative/root}. Settings (config map first, then environment):
 * {@code remote} / COFFER_GIT_REMOTE (a URL template with {owner} and {name}, or a base URL to which
 * /{owner}/{name}.git is added), {@code remoteUser} / COFFER_GIT_USER and {@code remoteToken} /
 * COFFER_GIT_TOKEN (push credentials), {@code authorName}, {@code authorEmail}.
 */
public final class GitBlobStoreProvider implements BlobStoreProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("git");
    }

    @Override
    public BlobStore open(URI url, Map<String, String> config) throws IOException {
        GitBlobStore store = new GitBlobStore(root(url), remote(config), new PersonIdent(
                setting(config, "authorName", null, "Coffer"),
                setting(config, "authorEmail", null, "coffer@localhost")));
        try {
            store.check();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    static Path root(URI url) {
        String path;
        if (url.isOpaque()) {
            path = url.getSchemeSpecificPart();
        } else {
            if (url.getAuthority() != null && !url.getAuthority().isEmpty()) {
                throw new CofferException(ErrorCode.CONFIGURATION,
                        "a git store is a local directory: git:///absolute/path or git:relative/path");
            }
            path = url.getPath();
        }
        if (path == null || path.isBlank()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "the git store location names no directory");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    static GitRemote remote(Map<String, String> config) {
        String url = setting(config, "remote", "COFFER_GIT_REMOTE", null);
        if (url == null) {
            return null;
        }
        return new GitRemote(url, setting(config, "remoteUser", "COFFER_GIT_USER", null),
                setting(config, "remoteToken", "COFFER_GIT_TOKEN", null));
    }

    private static String setting(Map<String, String> config, String key, String env, String dflt) {
        String v = config.get(key);
        if ((v == null || v.isBlank()) && env != null) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
