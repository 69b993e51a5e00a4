package io.coffer.store.git;

import io.coffer.model.DatasetId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors each dataset's {@code main} to a remote after every switch, in the background and best effort:
 * the local repository is the store, the remote a published copy (e.g. one GitHub repository per dataset).
 * Pushes run one at a time and each pushes the branch as it is then, so a slow push never overwrites a
 * newer one. Credentials come from the configuration and appear in no log line and no description.
 */
final class GitRemote implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitRemote.class);
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private final String template;
    private final CredentialsProvider credentials;
    private final ExecutorService pushes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "coffer-git-push");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code template} is a URL or path with {@code {owner}} and {@code {name}} placeholders, or a base to
     * which {@code /{owner}/{name}.git} is appended.
     */
    GitRemote(String template, String user, String token) {
        this.template = template.contains("{owner}") || template.contains("{name}") ? template
                : template.replaceAll("/+$", "") + "/{owner}/{name}.git";
        this.credentials = token == null ? null
                : new UsernamePasswordCredentialsProvider(user == null ? "x-access-token" : user, token);
    }

    String urlFor(DatasetId id) {
        return template.replace("{owner}", id.owner()).replace("{name}", id.name());
    }

    /** The remote for logs: any user info in the URL replaced by ***. */
    String describe() {
        return redact(template);
    }

    static String redact(String s) {
        return s == null ? null : USER_INFO.matcher(s).replaceAll("***@");
    }

    void pushLater(Repository db, DatasetId id) {
        pushes.submit(() -> push(db, id));
    }

    private void push(Repository db, DatasetId id) {
        String url = urlFor(id);
        try (Git git = Git.wrap(db)) {
            var cmd = git.push().setRemote(url).setTimeout(120)
                    .setRefSpecs(new RefSpec("+" + GitBlobStore.MAIN + ":" + GitBlobStore.MAIN));
            if (credentials != null) {
                cmd.setCredentialsProvider(credentials);
            }
            for (PushResult r : cmd.call()) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        LOG.warn("push of {} to {} was refused: {} {}", id, redact(url), u.getStatus(),
                                redact(u.getMessage()));
                    }
                }
            }
            LOG.debug("pushed {} to {}", id, redact(url));
        } catch (Exception e) {
            // Best effort: the local store holds the truth and the next publish pushes again.
            LOG.warn("push of {} to {} failed: {}", id, redact(url), redact(e.getMessage()));
        }
    }

    /** Waits for queued pushes (a store being closed still mirrors what it published). */
    @Override
    public void close() {
        pushes.shutdown();
        try {
            if (!pushes.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("pushes to {} still running at close", describe());
                pushes.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pushes.shutdownNow();
        }
    }
}
