package io.coffer.server.cli;

import io.coffer.importer.ImportReport;
import io.coffer.importer.PackageImporter;
import io.coffer.importer.SafeFetcher;
import io.coffer.importer.SafeZip;
import io.coffer.store.DataStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", description = {
        "Import existing Fiscal Data Packages ('model' or legacy 'mapping') from directories, zips or URLs.",
        "Each source gets a report of what was kept and what not; exit 1 if any was refused."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "1..*",
            description = "Package directory, datapackage.json, .zip file, or http(s) URL of either.")
    List<String> sources;

    @Option(names = "--owner", required = true)
    String owner;

    @picocli.CommandLine.Mixin
    MetaOption meta;

    @Option(names = "--name", description = "Dataset name (only with a single source; default: the package's name).")
    String name;

    @Option(names = "--allow-private-urls", description = "Allow URLs on loopback/private networks (admins only).")
    boolean allowPrivate;

    @Option(names = "--json", description = "Print the reports as JSON lines.")
    boolean json;

    @Option(names = "--allow-invalid", description = "Import packages whose rows do not match their schema too "
            + "(the report lists the errors).")
    boolean allowInvalid;

    @Option(names = "--max-upload-bytes", defaultValue = "${env:COFFER_MAX_UPLOAD_BYTES:-536870912}",
            description = "Largest package to publish in bytes (default 512 MiB), as on the server. "
                    + "Env: COFFER_MAX_UPLOAD_BYTES.")
    long maxUploadBytes;

    @Override
    public Integer call() {
        if (name != null && sources.size() > 1) {
            spec.commandLine().getErr().println("coffer: --name needs a single SOURCE");
            return CofferCli.USAGE;
        }
        SafeFetcher fetcher = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(allowPrivate));
        int failed = 0;
        OwnerClaim.ensure(spec, meta, owner);
        try (DataStore ds = StoreOption.of(spec).open()) {
            PackageImporter importer = new PackageImporter(io.coffer.service.PublishService.local(ds, maxUploadBytes), fetcher,
                    SafeZip.Limits.DEFAULT);
            if (allowInvalid) {
                importer = importer.allowingInvalid();
            }
            List<ImportReport> reports = new java.util.ArrayList<>();
            for (String s : sources) {
                reports.addAll(importer.importSource(s, owner, name));
            }
            for (ImportReport r : reports) {
                if (json) {
                    spec.commandLine().getOut().println(new String(io.coffer.model.Json.write(r.toJson()),
                            java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s*\\n\\s*", " "));
                } else {
                    spec.commandLine().getOut().print(r.toText());
                }
                failed += r.ok() ? 0 : 1;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return failed == 0 ? 0 : CofferCli.FAILED;
    }
}
