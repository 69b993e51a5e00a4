package io.coffer.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    @Test
    void hashesUseArgon2idAtOwaspParameters() {
        String h = Passwords.hash("correct horse battery".toCharArray());
        assertThat(h).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        Passwords.Params p = Passwords.params(h);
        assertThat(p.algorithm()).isEqualTo("argon2id");
        assertThat(p.version()).isEqualTo(19);
        assertThat(p.memoryKib()).isEqualTo(19 * 1024);
        assertThat(p.iterations()).isEqualTo(2);
        assertThat(p.parallelism()).isEqualTo(1);
        assertThat(p.saltBytes()).isEqualTo(16);
        assertThat(p.hashBytes()).isEqualTo(32);
        assertThat(Passwords.needsRehash(h)).isFalse();
    }

    @Test
    void verifiesOnlyTheRightPasswordAndSaltsEveryHash() {
        String a = Passwords.hash("correct horse battery".toCharArray());
        String b = Passwords.hash("correct horse battery".toCharArray());
        assertThat(a).isNotEqualTo(b);
        assertThat(Passwords.verify("correct horse battery".toCharArray(), a)).isTrue();
        assertThat(Passwords.verify("correct horse battery".toCharArray(), b)).isTrue();
        assertThat(Passwords.verify("correct horse batterY".toCharArray(), a)).isFalse();
        assertThat(Passwords.verify("".toCharArray(), a)).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), null)).isFalse();
        assertThat(Passwords.verify("x".toCharArray(), "$argon2id$garbage")).isFalse();
    }

    @Test
    void weakerStoredParametersAreRehashed() {
        assertThat(Passwords.needsRehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                + "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")).isTrue();
    }

    @Test
    void policyRefusesShortPasswords() {
        assertThatThrownBy(() -> Passwords.checkPolicy("short".toCharArray())).isInstanceOf(CofferException.class)
                .hasMessageContaining("at least 10");
        Passwords.checkPolicy("long enough pw".toCharArray());
    }
}
