package io.coffer.store.s3;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Where an S3 store lives and how to reach it: {@code s3://bucket/prefix} plus the settings from the
 * provider's config map ({@code endpoint}, {@code region}, {@code pathStyle}, {@code accessKeyId},
 * {@code secretAccessKey}, {@code sessionToken}, {@code partSize}, {@code verifyChecksums}). Anything not
 * given falls back to the AWS SDK's usual sources (AWS_* variables, aws.* system properties, profiles).
 */
record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
                  String accessKeyId, String secretAccessKey, String sessionToken, int partSize,
                  boolean verifyChecksums) {

    /** S3's minimum part size; also where single PUTs end and multipart uploads begin. */
    static final int MIN_PART_SIZE = 5 * 1024 * 1024;

    static S3Settings of(URI url, Map<String, String> config) {
        String bucket = url.getAuthority();
        if (bucket == null || bucket.isBlank()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "an S3 store location is s3://BUCKET[/PREFIX]");
        }
        String path = url.getPath() == null ? "" : url.getPath();
        String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
        if (!prefix.isEmpty()) {
            io.coffer.store.spi.BlobKeys.check(prefix);
            prefix = prefix + "/";
        }
        String endpoint = blankToNull(config.get("endpoint"));
        URI endpointUri = null;
        if (endpoint != null) {
            endpointUri = URI.create(endpoint);
            if (endpointUri.getScheme() == null || endpointUri.getHost() == null) {
                throw new CofferException(ErrorCode.CONFIGURATION, "the S3 endpoint must be an http(s) URL");
            }
        }
        int partSize = MIN_PART_SIZE;
        String ps = blankToNull(config.get("partSize"));
        if (ps != null) {
            try {
                partSize = Integer.parseInt(ps);
            } catch (NumberFormatException e) {
                throw new CofferException(ErrorCode.CONFIGURATION, "partSize must be a number of bytes");
            }
            if (partSize < MIN_PART_SIZE) {
                throw new CofferException(ErrorCode.CONFIGURATION, "partSize must be at least " + MIN_PART_SIZE);
            }
        }
        return new S3Settings(bucket, prefix, endpointUri, blankToNull(config.get("region")),
                bool(config.get("pathStyle"), false), blankToNull(config.get("accessKeyId")),
                blankToNull(config.get("secretAccessKey")), blankToNull(config.get("sessionToken")), partSize,
                bool(config.get("verifyChecksums"), true));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static boolean bool(String s, boolean dflt) {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new CofferException(ErrorCode.CONFIGURATION, "not a boolean: '" + s + "'");
        };
    }

    /** For logs: bucket, prefix and endpoint without any user info; never credentials. */
    String describe() {
        String ep = endpoint == null ? "AWS default endpoint"
                : endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
        return "s3 " + bucket + "/" + prefix + " at " + ep + (region == null ? "" : " (" + region + ")")
                + (pathStyle ? ", path-style" : "");
    }

    @Override
    public String toString() {
        // Records print every component; this one must never print the secret.
        return describe();
    }
}
