package io.coffer.server.web;

/**
 * A minimal HTML writer where text is always escaped: {@link #text} and {@link #attr} escape, and only
 * {@link #raw} (for markup written in this code, never for data) does not. Pages are built with it so
 * that no value from a dataset can become markup.
 */
public final class Html {
    private final StringBuilder b = new StringBuilder(8192);

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        out.append("&#xFFFD;");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Markup written by Coffer itself. Never pass data here. */
    public Html raw(String markup) {
        b.append(markup);
        return this;
    }

    public Html text(String s) {
        b.append(escape(s));
        return this;
    }

    /** Opens {@code <tag} with escaped attributes given as name, value pairs; null values are skipped. */
    public Html open(String tag, String... attrs) {
        b.append('<').append(tag);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            if (attrs[i + 1] != null) {
                b.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
            }
        }
        b.append('>');
        return this;
    }

    public Html close(String tag) {
        b.append("</").append(tag).append('>');
        return this;
    }

    /** {@code <tag attrs>text</tag>} */
    public Html el(String tag, String text, String... attrs) {
        return open(tag, attrs).text(text).close(tag);
    }

    /** A link whose href is built from data: only relative paths or http(s) URLs are written. */
    public Html link(String href, String text, String... attrs) {
        String[] all = new String[attrs.length + 2];
        all[0] = "href";
        all[1] = safeHref(href);
        System.arraycopy(attrs, 0, all, 2, attrs.length);
        return el("a", text, all);
    }

    static String safeHref(String href) {
        if (href == null) {
            return "#";
        }
        String h = href.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("/") && !h.startsWith("//") || h.startsWith("http://") || h.startsWith("https://")
                || h.startsWith("?") || h.startsWith("#")) {
            return href.trim();
        }
        return "#";
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
