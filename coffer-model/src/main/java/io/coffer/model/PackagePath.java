package io.coffer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A relative path of a file inside a package ({@code data/budget.csv}). Construction is the only
 * gate from user input to storage keys: no absolute paths, no {@code .} or {@code ..} segments, no
 * backslashes, NUL or other control characters, no empty segments, bounded length.
 */
public record PackagePath(String value) {
    public static final int MAX_LENGTH = 1024;

    public PackagePath {
        check(value);
    }

    public static PackagePath of(String value) {
        return new PackagePath(value);
    }

    public static boolean isValid(String value) {
        try {
            check(value);
            return true;
        } catch (CofferException e) {
            return false;
        }
    }

    public List<String> segments() {
        return List.of(value.split("/"));
    }

    public String fileName() {
        int i = value.lastIndexOf('/');
        return i < 0 ? value : value.substring(i + 1);
    }

    private static void check(String v) {
        if (v == null || v.isEmpty()) {
            throw invalid("", "path is empty");
        }
        if (v.length() > MAX_LENGTH) {
            throw invalid(v, "path is longer than " + MAX_LENGTH + " characters");
        }
        if (v.startsWith("/") || v.startsWith("~") || (v.length() > 1 && v.charAt(1) == ':')) {
            throw invalid(v, "path must be relative");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' || c == 0 || Character.isISOControl(c)) {
                throw invalid(v, "path contains a backslash or a control character");
            }
        }
        List<String> segs = new ArrayList<>(List.of(v.split("/", -1)));
        for (String s : segs) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw invalid(v, "path has an empty, '.' or '..' segment");
            }
            if (s.length() > 255) {
                throw invalid(v, "path segment is longer than 255 characters");
            }
        }
    }

    private static CofferException invalid(String v, String why) {
        return new CofferException(ErrorCode.INVALID_PATH, "invalid path '" + DatasetId.printable(v) + "': " + why);
    }

    @Override
    public String toString() {
        return value;
    }
}
