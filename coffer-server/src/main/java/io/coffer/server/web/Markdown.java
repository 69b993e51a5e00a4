package io.coffer.server.web;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Dataset descriptions are Markdown written by publishers: rendered by commonmark-java with any raw HTML
 * escaped (shown as text, never markup) and link/image URLs other than http(s), mailto and relative dropped.
 */
final class Markdown {
    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true)
            .attributeProviderFactory(c -> (node, tag, attrs) -> {
                if ("a".equals(tag)) {
                    attrs.put("rel", "nofollow noopener");
                }
            }).build();

    private Markdown() {
    }

    static String toHtml(String markdown) {
        return RENDERER.render(PARSER.parse(markdown == null ? "" : markdown));
    }
}
