package io.coffer.server.web;

import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Server-rendered pages: the registry front page, a page per dataset with its charts, and embeddable
 * single charts. Every value from a dataset goes through {@link Html} escaping; scripts are static
 * files (no inline script), so the Content-Security-Policy allows scripts from this origin only.
 */
public final class WebRoutes {
    static final String PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
    /** Embeds are meant for other sites' iframes. */
    static final String EMBED_CSP = PAGE_CSP.replace("frame-ancestors 'self'", "frame-ancestors *");
    static final Set<String> VIEWS = Set.of("treemap", "bars", "time", "table");
    private static final Map<String, String> STATIC_TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "txt", "text/plain; charset=utf-8", "md", "text/plain; charset=utf-8",
            "svg", "image/svg+xml");

    private final DataStore store;
    private final io.coffer.server.http.ReadAccess access;
    private final long maxUploadBytes;

    public WebRoutes(DataStore store, io.coffer.server.http.ReadAccess access, long maxUploadBytes) {
        this.store = store;
        this.access = access;
        this.maxUploadBytes = maxUploadBytes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/", this::front);
        routes.get("/d/{owner}/{name}", this::dataset);
        routes.get("/embed/{owner}/{name}/{view}", this::embed);
        routes.get("/static/<path>", this::asset);
        routes.get("/publish", this::wizard);
    }

    // ---------------------------------------------------------------- front page

    private record Listed(DatasetId id, Revision rev, DataPackage pkg) {
    }

    private void front(Context ctx) {
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").trim();
        List<Listed> all = new ArrayList<>();
        var visible = access.filter(ctx);
        for (DatasetId id : store.list()) {
            if (!visible.test(id)) {
                continue;
            }
            try {
                Revision rev = store.revision(id, null);
                all.add(new Listed(id, rev, store.descriptor(rev)));
            } catch (CofferException e) {
                if (e.code() == ErrorCode.CORRUPT) {
                    // A damaged dataset is left out (and logged), never the whole listing.
                    org.slf4j.LoggerFactory.getLogger(getClass()).warn("{} left out of the listing: {}", id, e.getMessage());
                    continue;
                }
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
        }
        List<Listed> shown = all.stream().filter(l -> matches(l, q)).toList();
        Html h = new Html();
        h.open("h1").text("Public spending data").close("h1");
        h.open("form", "class", "search", "method", "get", "action", "/", "role", "search");
        h.open("label", "for", "q").text("Search by title, owner or tag").close("label");
        h.open("input", "id", "q", "name", "q", "type", "search", "value", q, "placeholder", "e.g. budget, ukgov, education");
        h.el("button", "Search", "type", "submit");
        h.close("form");
        h.open("p", "class", "count", "id", "count").text(shown.size() + " of " + all.size() + " datasets").close("p");
        if (all.isEmpty()) {
            h.open("p", "class", "empty").text("No datasets yet. Publish one with ")
                    .el("code", "./coffer publish DIR --owner NAME").text(".").close("p");
        }
        h.open("ul", "class", "datasets", "id", "datasets");
        for (Listed l : shown) {
            String base = "/datasets/" + l.id().owner() + "/" + l.id().name() + "/";
            h.open("li", "class", "dataset", "data-id", l.id().toString());
            h.open("h2").link("/d/" + l.id().owner() + "/" + l.id().name(), title(l.pkg(), l.id())).close("h2");
            h.open("p", "class", "meta").text("by ").el("span", l.id().owner(), "class", "owner")
                    .text(" · revision " + l.rev().revision() + " · " + l.rev().publishedAt().toString().substring(0, 10))
                    .close("p");
            if (l.pkg().description() != null) {
                h.el("p", shorten(l.pkg().description(), 300), "class", "description");
            }
            List<String> tags = tags(l.pkg());
            if (!tags.isEmpty()) {
                h.open("p", "class", "tags");
                tags.forEach(t -> h.link("/?q=" + urlEncode(t), t, "class", "tag"));
                h.close("p");
            }
            h.open("p", "class", "links");
            h.link("/d/" + l.id().owner() + "/" + l.id().name(), "Charts");
            h.link(base + "datapackage.json", "datapackage.json");
            for (FileEntry f : l.rev().files()) {
                if (f.path().endsWith(".csv")) {
                    h.link(base + f.path(), "Download " + PackagePath.of(f.path()).fileName(), "download", "");
                }
            }
            h.close("p");
            h.close("li");
        }
        h.close("ul");
        page(ctx, "Coffer — public spending data", h, false);
        io.coffer.server.http.CachePolicy.perCaller(ctx, !access.everythingVisible(ctx));
    }

    static boolean matches(Listed l, String q) {
        if (q.isEmpty()) {
            return true;
        }
        String needle = q.toLowerCase(Locale.ROOT);
        List<String> hay = new ArrayList<>(tags(l.pkg()));
        hay.add(title(l.pkg(), l.id()));
        hay.add(l.id().owner());
        hay.add(l.id().name());
        return hay.stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(needle));
    }

    static List<String> tags(DataPackage pkg) {
        List<String> out = new ArrayList<>();
        for (String k : List.of("keywords", "tags")) {
            pkg.extra(k).forEach(t -> {
                if (t.isTextual()) {
                    out.add(t.asText());
                }
            });
        }
        if (pkg.extra("countryCode").isTextual()) {
            out.add(pkg.extra("countryCode").asText());
        }
        return out;
    }

    static String title(DataPackage pkg, DatasetId id) {
        return pkg.title() != null ? pkg.title() : pkg.name() != null ? pkg.name() : id.toString();
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- dataset page

    private Revision revision(Context ctx, DatasetId id) {
        String r = ctx.queryParam("revision");
        Long rev = null;
        if (r != null && !r.isBlank()) {
            try {
                rev = Long.parseLong(r);
            } catch (NumberFormatException e) {
                throw new CofferException(ErrorCode.INVALID_REVISION, "revision must be a positive number");
            }
        }
        return store.revision(id, rev);
    }

    private void dataset(Context ctx) {
        DatasetId id = DatasetId.of(ctx.pathParam("owner"), ctx.pathParam("name"));
        access.require(ctx, id);
        Revision rev = revision(ctx, id);
        DataPackage pkg = store.descriptor(rev);
        List<RevisionInfo> revisions = store.revisions(id);
        long latest = revisions.getLast().revision();
        String base = "/datasets/" + id.owner() + "/" + id.name() + "/@" + rev.revision() + "/";
        Html h = new Html();
        h.open("nav", "class", "crumbs").link("/", "All datasets").text(" / ").text(id.toString()).close("nav");
        h.el("h1", title(pkg, id), "id", "title");
        h.open("p", "class", "meta").text("by ").el("span", id.owner(), "class", "owner")
                .text(" · revision " + rev.revision() + (rev.revision() == latest ? " (latest)" : " of " + latest))
                .text(semver(id, rev.revision()))
                .text(" · published " + rev.publishedAt().toString().substring(0, 16).replace('T', ' ') + " UTC")
                .close("p");
        if (rev.revision() != latest) {
            h.open("p", "class", "banner old-revision", "id", "old-revision", "role", "status")
                    .text("You are looking at revision " + rev.revision() + "; the latest is " + latest + ". ")
                    .link("/d/" + id.owner() + "/" + id.name(), "Go to the latest revision").close("p");
        }
        if (pkg.description() != null) {
            // commonmark output with raw HTML escaped: safe to write as markup.
            h.open("div", "class", "description", "id", "description").raw(Markdown.toHtml(pkg.description())).close("div");
        }
        about(h, pkg);
        if (pkg.model() != null) {
            String cube = id.owner() + ":" + id.name();
            String config = new String(Json.write(VizConfig.of(cube, rev.revision(), pkg)), StandardCharsets.UTF_8);
            h.open("section", "id", "viz", "class", "viz", "data-view", "full", "data-config", config);
            h.open("div", "class", "controls");
            h.open("label", "for", "measure").text("Measure ").close("label");
            h.open("select", "id", "measure").close("select");
            h.open("label", "for", "breakdown").text("Break down by ").close("label");
            h.open("select", "id", "breakdown").close("select");
            h.open("p", "class", "total").text("Total ").el("strong", "", "id", "total").close("p");
            h.link("#", "CSV of this view", "id", "export", "class", "button");
            h.link("#", "JSON", "id", "export-json", "class", "button");
            h.close("div");
            h.open("form", "id", "filter-form", "class", "filters-form", "role", "search", "aria-label", "filters");
            h.open("label", "for", "filter-dim").text("Filter ").close("label");
            h.open("select", "id", "filter-dim").close("select");
            h.open("label", "for", "filter-value").text(" is ").close("label");
            h.open("input", "id", "filter-value", "list", "filter-values", "autocomplete", "off");
            h.open("datalist", "id", "filter-values").close("datalist");
            h.el("button", "Add filter", "type", "submit", "id", "filter-add");
            h.close("form");
            h.open("ul", "id", "filters", "class", "chips", "aria-label", "active filters").close("ul");
            h.open("div", "class", "embed-code");
            h.open("label", "for", "embed-code").text("Embed this view: ").close("label");
            h.open("select", "id", "embed-view", "aria-label", "chart to embed");
            for (String v : List.of("treemap", "bars", "time", "table")) {
                h.el("option", v, "value", v);
            }
            h.close("select");
            h.open("textarea", "id", "embed-code", "readonly", "", "rows", "2").close("textarea");
            h.el("button", "Copy", "type", "button", "id", "copy-embed");
            h.close("div");
            chartSection(h, "treemap", "Breakdown", id, rev.revision());
            chartSection(h, "bars", "By dimension", id, rev.revision());
            chartSection(h, "time", "Over time", id, rev.revision());
            chartSection(h, "table", "Transactions", id, rev.revision());
            h.close("section");
        } else {
            h.el("p", "This package has no fiscal model, so there are no charts; its files are below.", "class", "note");
        }
        h.el("h2", "Columns");
        for (var r : pkg.resources()) {
            if (r.schema() == null) {
                continue;
            }
            h.open("table", "class", "columns", "id", "columns-" + (r.name() == null ? "resource" : r.name()));
            h.open("caption").text(r.name() == null ? "resource" : r.name()).close("caption");
            h.raw("<thead><tr><th>column</th><th>type</th><th>description</th></tr></thead><tbody>");
            for (var f : r.schema().fields()) {
                h.open("tr").el("td", f.name()).el("td", f.type() + (f.format() == null ? "" : " (" + f.format() + ")"))
                        .el("td", f.description() == null ? "" : f.description()).close("tr");
            }
            h.raw("</tbody>").close("table");
        }
        h.el("h2", "Files");
        h.open("ul", "class", "files");
        for (FileEntry f : rev.files()) {
            h.open("li").link(base + f.path(), f.path()).text(" · " + f.bytes() + " bytes · sha256 ")
                    .el("code", f.sha256().substring(0, 16) + "…", "title", f.sha256()).close("li");
        }
        h.close("ul");
        h.el("h2", "Revisions");
        h.open("ol", "class", "revisions", "reversed", "");
        for (RevisionInfo r : revisions.reversed()) {
            h.open("li").link("/d/" + id.owner() + "/" + id.name() + "?revision=" + r.revision(), "Revision " + r.revision())
                    .text(semver(id, r.revision()))
                    .text(" · " + r.publishedAt().toString().substring(0, 16).replace('T', ' ') + " UTC").close("li");
        }
        h.close("ol");
        page(ctx, title(pkg, id) + " — Coffer", h, false, null, pkg.model() != null);
    }

    /** " · version 1.2.0 (minor)", or nothing when it cannot be worked out. */
    private String semver(DatasetId id, long revision) {
        try {
            io.coffer.versions.Semver.Info v = io.coffer.versions.Semver.of(store, id, revision);
            return " · version " + v.version() + " (" + v.level().code() + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Model, fiscal period, country, homepage, licence and sources, where the package says them. */
    static void about(Html h, DataPackage pkg) {
        h.open("dl", "class", "about", "id", "about");
        if (pkg.model() != null) {
            List<String> ms = pkg.model().measures().values().stream()
                    .map(m -> (m.title() != null ? m.title() : m.name()) + (m.currency() == null ? "" : " (" + m.currency() + ")"))
                    .toList();
            List<String> ds = pkg.model().dimensions().values().stream()
                    .map(d -> d.title() != null ? d.title() : d.name()).toList();
            h.el("dt", "Measures").el("dd", String.join(", ", ms), "id", "about-measures");
            h.el("dt", "Dimensions").el("dd", String.join(", ", ds), "id", "about-dimensions");
        }
        var period = pkg.extra("fiscalPeriod");
        if (period.isObject()) {
            h.el("dt", "Fiscal period").el("dd", period.path("start").asText("?") + " to " + period.path("end").asText("?"),
                    "id", "about-period");
        }
        if (pkg.extra("countryCode").isTextual()) {
            h.el("dt", "Country").el("dd", pkg.extra("countryCode").asText(), "id", "about-country");
        }
        if (pkg.extra("homepage").isTextual()) {
            h.el("dt", "Homepage").open("dd", "id", "about-homepage")
                    .link(pkg.extra("homepage").asText(), pkg.extra("homepage").asText(), "rel", "nofollow noopener").close("dd");
        }
        String license = license(pkg);
        if (license != null) {
            h.el("dt", "Licence").el("dd", license, "id", "about-license", "class", "license");
        }
        var sources = pkg.extra("sources");
        if (sources.isArray() && !sources.isEmpty()) {
            h.el("dt", "Sources").open("dd", "id", "about-sources").open("ul");
            for (var src : sources) {
                String t = src.path("title").asText(src.path("name").asText(""));
                String u = src.path("path").asText(src.path("url").asText(null));
                h.open("li");
                if (u != null && (u.startsWith("http://") || u.startsWith("https://"))) {
                    h.link(u, t.isEmpty() ? u : t, "rel", "nofollow noopener");
                } else {
                    h.text(t.isEmpty() ? String.valueOf(u) : t + (u == null ? "" : " (" + u + ")"));
                }
                h.close("li");
            }
            h.close("ul").close("dd");
        }
        h.el("dt", "Updates").open("dd").link("/changes.atom", "Atom feed of new revisions", "id", "atom-link",
                "type", "application/atom+xml").close("dd");
        h.close("dl");
    }

    private static void chartSection(Html h, String view, String heading, DatasetId id, long revision) {
        h.open("section", "class", "chart-section", "id", view + "-section");
        String embed = "/embed/" + id.owner() + "/" + id.name() + "/" + view;
        h.open("h2").text(heading).text(" ").link(embed + "?revision=" + revision, "embed", "class", "embed-link",
                "id", view + "-embed", "data-base", embed).close("h2");
        chartBody(h, view);
        h.close("section");
    }

    private static void chartBody(Html h, String view) {
        switch (view) {
            case "treemap" -> {
                h.open("nav", "id", "drill", "class", "drill", "aria-label", "drill-down path").close("nav");
                h.open("div", "id", "treemap", "class", "chart", "role", "img", "aria-label", "treemap").close("div");
                h.open("ol", "id", "treemap-list", "class", "members").close("ol");
            }
            case "bars" -> h.open("div", "id", "bars", "class", "bars").close("div");
            case "time" -> h.open("div", "id", "time", "class", "chart", "role", "img", "aria-label", "time series")
                    .close("div");
            default -> {
                h.open("table", "id", "facts", "class", "facts").close("table");
                h.open("nav", "id", "pager", "class", "pager").close("nav");
            }
        }
        h.open("p", "class", "status", "id", view + "-status", "aria-live", "polite").close("p");
    }

    static String license(DataPackage pkg) {
        var l = pkg.extra("license");
        if (l.isTextual()) {
            return l.asText();
        }
        var ls = pkg.extra("licenses");
        if (ls.isArray() && !ls.isEmpty()) {
            var first = ls.get(0);
            return first.path("title").asText(first.path("name").asText(first.path("id").asText(null)));
        }
        return null;
    }

    private void embed(Context ctx) {
        DatasetId id = DatasetId.of(ctx.pathParam("owner"), ctx.pathParam("name"));
        access.require(ctx, id);
        String view = ctx.pathParam("view");
        if (!VIEWS.contains(view)) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no such chart '" + view + "'; use treemap, bars, time or table");
        }
        Revision rev = revision(ctx, id);
        DataPackage pkg = store.descriptor(rev);
        if (pkg.model() == null) {
            throw new CofferException(ErrorCode.NOT_FOUND, "dataset " + id + " has no fiscal model to chart");
        }
        String config = new String(Json.write(VizConfig.of(id.owner() + ":" + id.name(), rev.revision(), pkg)),
                StandardCharsets.UTF_8);
        Html h = new Html();
        long latest = store.revisions(id).getLast().revision();
        h.raw("<main>");
        h.open("section", "id", "viz", "class", "viz embed", "data-view", view, "data-config", config);
        h.open("h1", "class", "embed-title").link("/d/" + id.owner() + "/" + id.name() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()),
                title(pkg, id), "target", "_top").close("h1");
        if (rev.revision() != latest) {
            h.el("p", "Revision " + rev.revision() + " (the latest is " + latest + ")", "class", "banner old-revision",
                    "id", "old-revision");
        }
        h.open("select", "id", "measure", "hidden", "").close("select");
        chartBody(h, view);
        h.close("section");
        h.raw("</main>");
        page(ctx, title(pkg, id) + " — Coffer", h, true, null, !"table".equals(view));
    }

    private static void page(Context ctx, String title, Html body, boolean embed) {
        page(ctx, title, body, embed, null, false);
    }

    private static void page(Context ctx, String title, Html body, boolean embed, String script) {
        page(ctx, title, body, embed, script, false);
    }

    /** {@code charts}: the page draws ECharts charts, so it loads the library (1 MB; other pages do not). */
    private static void page(Context ctx, String title, Html body, boolean embed, String script, boolean charts) {
        ctx.header("Content-Security-Policy", embed ? EMBED_CSP : PAGE_CSP);
        io.coffer.server.http.CachePolicy.set(ctx, "no-cache");
        Html h = new Html();
        h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .el("title", title)
                .raw("<link rel=\"stylesheet\" href=\"/static/style.css\">")
                .raw("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"New revisions\" href=\"/changes.atom\">")
                .raw(charts ? "<script defer src=\"/static/vendor/echarts.min.js\"></script>" : "")
                .raw("<script type=\"module\" src=\"" + (script == null ? "/static/app.js" : script) + "\"></script>")
                .raw("</head><body class=\"").raw(embed ? "embed" : "page").raw("\">");
        if (!embed) {
            h.raw("<header class=\"top\"><a class=\"brand\" href=\"/\">Coffer</a>")
                    .raw("<span class=\"tagline\">open public-spending data</span>")
                    .raw("<a class=\"publish-link\" href=\"/publish\">Publish data</a></header><main>");
        }
        h.raw(body.toString());
        if (!embed) {
            h.raw("</main><footer>Data under each dataset's license · <a href=\"/registry/data/catalog.csv\">registry</a>")
                    .raw(" · <a href=\"/api/datasets\">API</a></footer>");
        }
        h.raw("</body></html>");
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(h.toString());
    }

    // ---------------------------------------------------------------- upload wizard

    private void wizard(Context ctx) {
        Html h = new Html();
        h.el("h1", "Publish spending data");
        h.open("p", "class", "note").text("Three steps: add a CSV file, say what its columns are, describe it. ")
                .text("Coffer detects the encoding, delimiter, number and date formats, and suggests the rest.")
                .close("p");
        h.open("section", "id", "signin", "class", "card", "hidden", "");
        h.el("h2", "Sign in to publish");
        h.open("form", "id", "signin-form");
        h.open("label", "for", "user").text("User ").close("label").open("input", "id", "user", "autocomplete", "username");
        h.open("label", "for", "password").text(" Password ").close("label")
                .open("input", "id", "password", "type", "password", "autocomplete", "current-password");
        h.el("button", "Sign in", "type", "submit", "id", "signin-button");
        h.close("form");
        h.open("p", "class", "status", "id", "signin-status", "aria-live", "polite").close("p");
        h.close("section");
        h.open("ol", "class", "steps", "id", "steps");
        h.el("li", "1 · Add file", "id", "tab1", "class", "current");
        h.el("li", "2 · Map columns", "id", "tab2");
        h.el("li", "3 · Describe and publish", "id", "tab3");
        h.close("ol");
        h.open("section", "id", "step1", "class", "card", "hidden", "", "data-max-bytes", Long.toString(maxUploadBytes));
        h.el("h2", "1 · Add your file");
        h.open("p").text("A CSV file of spending or budget lines, up to " + (maxUploadBytes >> 20) + " MB.").close("p");
        h.open("input", "id", "file", "type", "file", "accept", ".csv,text/csv,text/plain");
        h.el("button", "Upload", "id", "upload", "type", "button");
        h.open("progress", "id", "progress", "max", "100", "value", "0").close("progress");
        h.open("p", "class", "status", "id", "upload-status", "aria-live", "polite").close("p");
        h.close("section");
        h.open("section", "id", "step2", "class", "card", "hidden", "");
        h.el("h2", "2 · What are the columns?");
        h.open("p", "id", "detected", "class", "note").close("p");
        h.open("p", "id", "reused", "class", "notice", "hidden", "").close("p");
        h.open("p").text("Each column's role: an amount (").el("code", "value").text("), a date, a classification code or ")
                .text("label, a recipient… Leave empty to keep a column out of the charts.").close("p");
        h.open("table", "id", "columns", "class", "columns").close("table");
        h.open("datalist", "id", "column-types");
        for (String t : COLUMN_TYPES) {
            h.open("option", "value", t).close("option");
        }
        h.close("datalist");
        h.el("button", "Next", "id", "to-step3", "type", "button");
        h.close("section");
        h.open("section", "id", "step3", "class", "card", "hidden", "");
        h.el("h2", "3 · Describe it");
        h.open("div", "class", "form-grid");
        field(h, "title", "Title", "text");
        field(h, "owner", "Owner (your name or an organization)", "text");
        field(h, "name", "Dataset name (a-z, 0-9, - and _)", "text");
        h.open("label", "for", "license").text("License").close("label");
        h.open("select", "id", "license");
        for (String l : List.of("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0", "PDDL-1.0", "OGL-UK-3.0", "other")) {
            h.el("option", l, "value", l);
        }
        h.close("select");
        field(h, "currency", "Currency (e.g. EUR)", "text");
        field(h, "period-start", "Fiscal period start", "date");
        field(h, "period-end", "Fiscal period end", "date");
        h.open("label", "for", "private").text("Private (members of the owner only)").close("label");
        h.open("input", "id", "private", "type", "checkbox");
        h.close("div");
        h.el("button", "Publish", "id", "publish", "type", "button");
        h.open("p", "class", "status", "id", "publish-status", "aria-live", "polite").close("p");
        h.open("ul", "id", "report", "class", "report").close("ul");
        h.close("section");
        page(ctx, "Publish data — Coffer", h, false, "/static/wizard.js");
    }

    private static void field(Html h, String id, String label, String type) {
        h.open("label", "for", id).text(label).close("label");
        h.open("input", "id", id, "type", type, "list", null);
    }

    /** Common os-types column types, offered as suggestions (any os-types value can be typed). */
    static final List<String> COLUMN_TYPES = List.of("value", "date:generic", "date:fiscal-year",
            "administrative-classification:generic:level1:code", "administrative-classification:generic:level1:label",
            "administrative-classification:generic:level2:code", "administrative-classification:generic:level2:label",
            "functional-classification:generic:level1:code", "functional-classification:generic:level1:label",
            "functional-classification:generic:level2:code", "functional-classification:generic:level2:label",
            "economic-classification:generic:level1:code", "economic-classification:generic:level1:label",
            "economic-classification:generic:level2:code", "economic-classification:generic:level2:label",
            "activity:generic:program:code", "activity:generic:program:label", "activity:generic:project:code",
            "recipient:generic:name", "recipient:generic:id", "payer:generic:name", "geo-source:generic:title",
            "budget-line-id", "");

    // ---------------------------------------------------------------- static assets

    private void asset(Context ctx) throws IOException {
        PackagePath p = PackagePath.of(ctx.pathParam("path"));
        String ext = p.fileName().contains(".") ? p.fileName().substring(p.fileName().lastIndexOf('.') + 1) : "";
        String type = STATIC_TYPES.get(ext);
        InputStream in = type == null ? null : WebRoutes.class.getResourceAsStream("/web/static/" + p.value());
        if (in == null) {
            throw CofferException.notFound("no such asset: " + p);
        }
        try (in) {
            ctx.contentType(type);
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.result(in.readAllBytes());
        }
    }
}
