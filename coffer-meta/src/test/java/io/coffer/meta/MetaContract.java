package io.coffer.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The metadata database and the services over it; run unchanged on H2 and on PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetaContract {
    MetaDb db;
    Security sec;
    AccountService acc;

    abstract MetaDb open();

    @BeforeAll
    void setUp() {
        db = open();
        sec = new Security(db, new DataStore(new InMemoryBlobStore("meta-test")));
        acc = sec.accounts();
        acc.createUser(Principal.SYSTEM, "root", "root password 1".toCharArray(), true);
        acc.createUser(Principal.SYSTEM, "alice", "alice password".toCharArray(), false);
        acc.createUser(Principal.SYSTEM, "bob", "bob password 1".toCharArray(), false);
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    static Principal as(String user) {
        return Principal.session(user, user.equals("root"));
    }

    @Test
    void theFirstMigrationCreatesTheCoreOrganization() {
        assertThat(acc.accounts().orgExists("core")).isTrue();
        assertThat(acc.accounts().members("core")).isEmpty();
        int applied = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success")
                .mapTo(Integer.class).one());
        assertThat(applied).isGreaterThanOrEqualTo(1);
    }

    @Test
    void usersAndOrganizationsShareOneNamespace() {
        acc.createOrg(as("alice"), "ns-shared");
        assertThatThrownBy(() -> acc.createUser(Principal.SYSTEM, "ns-shared", "some password".toCharArray(), false))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> acc.createOrg(as("bob"), "alice"))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> acc.createOrg(as("bob"), "Bad Name"))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME));
    }

    @Test
    void theCreatorOwnsAnOrganizationAndItsLastOwnerCannotLeave() {
        acc.createOrg(as("alice"), "org-owners");
        assertThat(acc.accounts().role("org-owners", "alice")).contains(Role.OWNER);
        assertThatThrownBy(() -> acc.setMember(as("bob"), "org-owners", "bob", Role.OWNER))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        acc.setMember(as("alice"), "org-owners", "bob", Role.EDITOR);
        assertThatThrownBy(() -> acc.removeMember(as("alice"), "org-owners", "alice"))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        acc.setMember(as("root"), "org-owners", "bob", Role.OWNER);
        acc.removeMember(as("bob"), "org-owners", "alice");
        assertThat(acc.accounts().members("org-owners")).extracting(Accounts.Membership::user).containsExactly("bob");
    }

    @Test
    void tokensAreStoredAsSha256AndStopWorkingWhenRevokedOrExpired() {
        AccountService.IssuedToken t = acc.createToken(as("alice"), "alice", Scope.PUBLISH, "alice", null, null, "ci");
        assertThat(t.secret()).startsWith("coffer_").hasSize("coffer_".length() + 43);
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT secret_sha256 FROM api_tokens WHERE id = :id")
                .bind("id", t.token().id()).mapTo(String.class).one());
        assertThat(stored).isEqualTo(Secrets.sha256(t.secret())).doesNotContain(t.secret());
        Principal p = acc.authenticateToken(t.secret());
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.token().covers(DatasetId.of("alice", "x"))).isTrue();
        assertThat(p.token().covers(DatasetId.of("bob", "x"))).isFalse();
        acc.revokeToken(as("alice"), t.token().id());
        assertThatThrownBy(() -> acc.authenticateToken(t.secret()))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        AccountService.IssuedToken old = acc.createToken(Principal.SYSTEM, "alice", Scope.READ, "alice", null,
                Instant.now().minusSeconds(1), null);
        assertThatThrownBy(() -> acc.authenticateToken(old.secret()))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        assertThatThrownBy(() -> acc.authenticateToken("coffer_not-a-real-token"))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void tokensCannotExceedTheirUsersRights() {
        assertThatThrownBy(() -> acc.createToken(as("bob"), "bob", Scope.PUBLISH, "alice", null, null, null))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> acc.createToken(as("bob"), "alice", Scope.READ, "alice", null, null, null))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        Principal token = acc.authenticateToken(acc.createToken(as("bob"), "bob", Scope.PUBLISH, "bob", null, null, null)
                .secret());
        assertThatThrownBy(() -> acc.createOrg(token, "made-by-token"))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void loginRotatesSessionsAndIsRateLimited() {
        AccountService.NewSession first = acc.login("bob", "bob password 1".toCharArray(), "10.0.0.1", null);
        assertThat(acc.session(first.sessionId())).hasValueSatisfying(s -> assertThat(s.principal().user()).isEqualTo("bob"));
        AccountService.NewSession second = acc.login("bob", "bob password 1".toCharArray(), "10.0.0.1", first.sessionId());
        assertThat(second.sessionId()).isNotEqualTo(first.sessionId());
        assertThat(second.csrfToken()).isNotEqualTo(first.csrfToken());
        assertThat(acc.session(first.sessionId())).isEmpty();
        String storedIds = db.jdbi().withHandle(h -> String.join(",", h.createQuery("SELECT id_sha256 FROM sessions")
                .mapTo(String.class).list()));
        assertThat(storedIds).doesNotContain(second.sessionId()).contains(Secrets.sha256(second.sessionId()));
        acc.logout(second.sessionId());
        assertThat(acc.session(second.sessionId())).isEmpty();

        for (int i = 0; i < AccountService.MAX_FAILURES_PER_USER; i++) {
            assertThatThrownBy(() -> acc.login("alice", "wrong password".toCharArray(), "10.0.0.2", null))
                    .isInstanceOfSatisfying(CofferException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        }
        // Locked for the window, even with the right password and from another address.
        assertThatThrownBy(() -> acc.login("alice", "alice password".toCharArray(), "10.0.0.3", null))
                .isInstanceOfSatisfying(AccountService.RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
                    assertThat(e.retryAfterSeconds()).isBetween(1L, 15 * 60L);
                });
        // Unknown users cost the same and count the same.
        assertThatThrownBy(() -> acc.login("nobody", "whatever pw".toCharArray(), "10.0.0.2", null))
                .isInstanceOfSatisfying(CofferException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    @Test
    void visibilityDefaultsToPublicAndIsStoredPerDataset() {
        DatasetAccess access = new DatasetAccess(db);
        DatasetId id = DatasetId.of("alice", "v");
        assertThat(access.visibility(id)).isEqualTo(Visibility.PUBLIC);
        access.set(id, Visibility.PRIVATE);
        access.set(id, Visibility.PRIVATE);
        assertThat(access.privateDatasets()).containsExactly(id);
        assertThat(sec.authorizer().canRead(Principal.ANONYMOUS, id)).isFalse();
        assertThat(sec.authorizer().canRead(as("bob"), id)).isFalse();
        assertThat(sec.authorizer().canRead(as("alice"), id)).isTrue();
        assertThat(sec.authorizer().canRead(as("root"), id)).isTrue();
        access.forget(id);
        assertThat(access.visibility(id)).isEqualTo(Visibility.PUBLIC);
    }
}
