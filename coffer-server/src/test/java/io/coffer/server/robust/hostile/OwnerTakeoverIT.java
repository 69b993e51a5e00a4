package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.Accounts;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Visibility;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.server.cli.CofferCli;
import io.coffer.store.PackageSource;
import io.coffer.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 2: datasets published under an owner nobody had claimed (the README's {@code --owner ukgov}, every
 * import) could be taken over by any logged-in user creating an organization of that name.
 */
class OwnerTakeoverIT {
    static final DatasetId SPEND = DatasetId.of("ukgov", "spend");

    @Test
    void aLoggedInUserCannotClaimAnOwnerThatHoldsDatasets() throws Exception {
        try (HostileServer s = new HostileServer()) {
            // Published as the CLI did before owners were claimed: data, no account, no organization.
            s.store.publish(SPEND, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
            s.user("mallory", false);
            s.user("root", true);
            HostileServer.Who mallory = s.login("mallory");

            HostileServer.Resp claim = s.json("POST", "/api/orgs", mallory, Json.object().put("name", "ukgov"));
            assertThat(claim.status()).as(claim.text()).isEqualTo(409);
            assertThat(claim.json().path("code").asText()).isEqualTo("owner-reserved");
            assertThat(s.sec.accounts().accounts().ownerKind("ukgov")).isEmpty();

            // Without the organization, the takeover steps are refused and change nothing.
            HostileServer.Resp hide = s.json("PATCH", "/api/datasets/ukgov/spend", mallory,
                    Json.object().put("visibility", "private"));
            assertThat(hide.status()).as(hide.text()).isEqualTo(403);
            HostileServer.Resp overwrite = s.send("PUT", "/api/datasets/ukgov/spend", mallory, "application/zip",
                    HostileServer.zip(Corpus.get("ukgov-cra-sample")));
            assertThat(overwrite.status()).as(overwrite.text()).isEqualTo(403);
            assertThat(s.store.latestRevision(SPEND)).isEqualTo(1);
            assertThat(s.sec.datasets().access().visibility(SPEND)).isEqualTo(Visibility.PUBLIC);

            // A name without data is free for anyone; the reserved one is claimed by an admin.
            assertThat(s.json("POST", "/api/orgs", mallory, Json.object().put("name", "mallory-co")).status())
                    .isEqualTo(201);
            HostileServer.Resp admin = s.json("POST", "/api/orgs", s.login("root"), Json.object().put("name", "ukgov"));
            assertThat(admin.status()).as(admin.text()).isEqualTo(201);
        }
    }

    @Test
    void aDeletedDatasetStillReservesItsOwner(@TempDir Path tmp) throws Exception {
        try (HostileServer s = new HostileServer()) {
            s.store.publish(SPEND, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
            s.store.delete(SPEND);
            s.user("mallory", false);
            HostileServer.Resp claim = s.json("POST", "/api/orgs", s.login("mallory"), Json.object().put("name", "ukgov"));
            assertThat(claim.status()).as(claim.text()).isEqualTo(409);
        }
    }

    @Test
    void aLocalPublishClaimsItsOwnerAsTheOperator(@TempDir Path tmp) {
        String store = tmp.resolve("store").toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("publish", Corpus.get("ukgov-cra-sample").toString(), "--owner", "ukgov", "--store", store);
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("created organization 'ukgov'");
        try (MetaDb db = MetaDb.open(MetaDb.urlFor(Path.of(store).toUri(), null), null, null)) {
            assertThat(new Accounts(db).ownerKind("ukgov")).contains(Accounts.OwnerKind.ORG);
            // Nobody is a member: an admin hands the organization out.
            assertThat(new Accounts(db).members("ukgov")).isEmpty();
        }
    }
}
