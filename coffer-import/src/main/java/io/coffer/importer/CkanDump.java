package io.coffer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.ValidationOptions;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A CKAN dataset dump: the JSON of {@code package_show} (with or without its {@code {"success", "result"}}
 * envelope) and the CSV resources beside it (found by the URL's file name, the resource id, or its name).
 * The first CSV goes through the loader (schema, fiscal model); further CSVs become extra resources with
 * their inferred schemas; CKAN's title, notes, license, tags and organization become package metadata.
 */
final class CkanDump {
    private CkanDump() {
    }

    static JsonNode result(JsonNode json) {
        return json.has("result") && json.path("result").isObject() ? json.path("result") : json;
    }

    static boolean isPackageShow(JsonNode json) {
        JsonNode r = result(json);
        return r.isObject() && r.path("resources").isArray() && r.has("name")
                && (r.has("notes") || r.has("license_id") || r.has("organization") || json.has("success"));
    }

    static ImportReport importDump(PackageImporter importer, String source, JsonNode json, Path dir, Path work,
                                   String owner, String name) throws IOException {
        JsonNode ckan = result(json);
        List<String> notes = new ArrayList<>();
        List<Path> csvs = new ArrayList<>();
        for (JsonNode r : ckan.path("resources")) {
            String label = r.path("name").asText(r.path("id").asText("resource"));
            String format = r.path("format").asText("").toLowerCase(Locale.ROOT);
            String url = r.path("url").asText("");
            boolean csv = format.equals("csv") || url.toLowerCase(Locale.ROOT).matches(".*\\.csv([?#].*)?$");
            if (!csv) {
                notes.add("resource '" + label + "' (" + (format.isEmpty() ? "unknown format" : format)
                        + ") not kept: only CSV data is imported");
                continue;
            }
            Path file = localFile(dir, url, r.path("id").asText(""), r.path("name").asText(""));
            if (file == null) {
                notes.add("resource '" + label + "' not kept: its CSV is not in the dump");
                continue;
            }
            csvs.add(file);
        }
        if (csvs.isEmpty()) {
            return ImportReport.failed(source, List.of("the CKAN dump has no CSV resource with its file beside it"));
        }
        Path pkgDir = Files.createTempDirectory(work, "ckan-");
        InitResult first = Loader.init(csvs.get(0), pkgDir, Optional.empty(), ValidationOptions.DEFAULT, ProgressListener.NONE);
        if (!first.written()) {
            List<String> problems = new ArrayList<>(List.of("the CKAN resource " + csvs.get(0).getFileName()
                    + " could not be turned into a package"));
            first.report().toText().stream().limit(20).forEach(problems::add);
            return ImportReport.failed(source, problems);
        }
        List<Resource> resources = new ArrayList<>(first.descriptor().resources());
        for (Path extra : csvs.subList(1, csvs.size())) {
            Path tmp = Files.createTempDirectory(work, "ckan-extra-");
            InitResult r = Loader.init(extra, tmp, Optional.empty(), ValidationOptions.DEFAULT, ProgressListener.NONE);
            if (!r.written()) {
                notes.add("resource " + extra.getFileName() + " not kept: it could not be read as a table");
                continue;
            }
            Resource res = r.descriptor().resources().get(0);
            String path = "data/" + PackagePath.of(res.localPaths().get(0).value()).fileName();
            if (resources.stream().anyMatch(x -> x.path().contains(path))) {
                notes.add("resource " + extra.getFileName() + " not kept: its name clashes with another resource");
                continue;
            }
            Files.createDirectories(pkgDir.resolve("data"));
            Files.move(tmp.resolve(res.localPaths().get(0).value()), pkgDir.resolve(path), StandardCopyOption.REPLACE_EXISTING);
            resources.add(res.withPath(path));
        }
        String title = ckan.path("title").asText(ckan.path("name").asText());
        DataPackage pkg = first.descriptor().withResources(resources)
                .withMeta(DatasetId.slugify(ckan.path("name").asText("ckan")), title, ckan.path("notes").asText(null));
        if (ckan.hasNonNull("license_id")) {
            ArrayNode licenses = Json.array();
            licenses.addObject().put("name", ckan.path("license_id").asText())
                    .put("title", ckan.path("license_title").asText(ckan.path("license_id").asText()));
            pkg = pkg.withExtra("licenses", licenses);
        }
        ArrayNode keywords = Json.array();
        ckan.path("tags").forEach(t -> keywords.add(t.path("display_name").asText(t.path("name").asText())));
        if (!keywords.isEmpty()) {
            pkg = pkg.withExtra("keywords", keywords);
        }
        ObjectNode src = Json.object();
        src.put("title", "CKAN dataset " + ckan.path("name").asText());
        if (ckan.hasNonNull("url") && !ckan.path("url").asText().isBlank()) {
            src.put("path", ckan.path("url").asText());
        }
        pkg = pkg.withExtra("sources", Json.array().add(src));
        Files.write(pkgDir.resolve("datapackage.json"), pkg.toBytes());
        notes.add("CKAN metadata kept: title, notes, license, tags");
        String owner2 = owner;
        if (owner2 == null && ckan.path("organization").hasNonNull("name")) {
            owner2 = DatasetId.slugify(ckan.path("organization").path("name").asText());
        }
        if (owner2 == null) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "give --owner: the CKAN dump has no organization");
        }
        return importer.publish(source, pkgDir, owner2, name != null ? name : DatasetId.slugify(ckan.path("name").asText()),
                false, notes);
    }

    private static Path localFile(Path dir, String url, String id, String name) {
        List<String> candidates = new ArrayList<>();
        String base = url.replaceAll("[?#].*$", "");
        candidates.add(base.substring(base.lastIndexOf('/') + 1));
        candidates.add(id + ".csv");
        candidates.add(name);
        candidates.add(name + ".csv");
        for (String c : candidates) {
            if (!c.isBlank() && PackagePath.isValid(c) && Files.isRegularFile(dir.resolve(c))) {
                return dir.resolve(c);
            }
        }
        return null;
    }
}
