package io.coffer.meta;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes at the OWASP Password Storage Cheat Sheet's first configuration (19 MiB of
 * memory, 2 iterations, parallelism 1), in the PHC string format that other Argon2 libraries read.
 * Pure Java (Bouncy Castle), so no native library has to be present.
 */
public final class Passwords {
    public static final int MEMORY_KIB = 19 * 1024;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 1024;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** A hash of a password nobody knows: verified against when the user does not exist, to keep timing even. */
    private static final String DUMMY = hash(Secrets.random(24).toCharArray());

    private Passwords() {
    }

    /** The parameters a stored hash was made with. */
    public record Params(String algorithm, int version, int memoryKib, int iterations, int parallelism, int saltBytes,
                         int hashBytes) {
    }

    public static void checkPolicy(char[] password) {
        if (password == null || password.length < MIN_LENGTH) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "password must have at least " + MIN_LENGTH + " characters");
        }
        if (password.length > MAX_LENGTH) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "password must have at most " + MAX_LENGTH + " characters");
        }
    }

    public static String hash(char[] password) {
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(out);
    }

    /** True when the password matches; a null or malformed hash never matches (but costs the same time). */
    public static boolean verify(char[] password, String encoded) {
        if (encoded == null) {
            verify(password, DUMMY);
            return false;
        }
        try {
            Params p = params(encoded);
            String[] parts = encoded.split("\\$");
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, p.memoryKib(), p.iterations(), p.parallelism(), expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether a stored hash was made with weaker parameters than today's (then it is re-hashed at login). */
    public static boolean needsRehash(String encoded) {
        try {
            Params p = params(encoded);
            return p.memoryKib() < MEMORY_KIB || p.iterations() < ITERATIONS;
        } catch (RuntimeException e) {
            return true;
        }
    }

    public static Params params(String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].startsWith("v=")) {
            throw new IllegalArgumentException("not an argon2id PHC string");
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] x = kv.split("=", 2);
            int v = Integer.parseInt(x[1]);
            switch (x[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> throw new IllegalArgumentException("unknown parameter " + x[0]);
            }
        }
        return new Params("argon2id", Integer.parseInt(parts[2].substring(2)), m, t, p, B64D.decode(parts[4]).length,
                B64D.decode(parts[5]).length);
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int len) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[len];
        gen.generateBytes(password, out);
        return out;
    }
}
