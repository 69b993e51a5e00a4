package io.coffer.store;

import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry is itself a Data Package: {@code registry/datapackage.json} describing
 * {@code registry/data/catalog.csv} ({@code url,name,owner}, one row per dataset, sorted). The catalog is
 * updated with a compare-and-set loop after every publish and delete, and can always be rebuilt from the
 * datasets themselves, which stay the source of truth.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    public static final String DESCRIPTOR = "registry/datapackage.json";
    public static final String CATALOG = "registry/data/catalog.csv";
    static final String HEADER = "url,name,owner\r\n";

    private final DataStore store;
    private final BlobStore blobs;

    Registry(DataStore store, BlobStore blobs) {
        this.store = store;
        this.blobs = blobs;
    }

    /** The catalog as {@code owner/name -> url}. */
    public TreeMap<DatasetId, String> entries() {
        try {
            return parse(blobs.getRef(CATALOG).map(Ref::value).orElse(new byte[0]));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read the registry: " + e.getMessage(), e);
        }
    }

    static String url(DatasetId id) {
        return DataStore.base(id) + "datapackage.json";
    }

    void updateQuietly(DatasetId id, DataPackage pkgOrNullForDelete) {
        try {
            update(id, pkgOrNullForDelete != null);
        } catch (RuntimeException e) {
            LOG.warn("registry not updated for {} ({}); run 'coffer registry rebuild'", id, e.toString());
        }
    }

    /** Adds or removes one dataset's row, retrying when another writer changed the catalog meanwhile. */
    public void update(DatasetId id, boolean present) {
        ensureDescriptor();
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Optional<Ref> ref = blobs.getRef(CATALOG);
                TreeMap<DatasetId, String> rows = parse(ref.map(Ref::value).orElse(new byte[0]));
                if (present) {
                    rows.put(id, url(id));
                } else {
                    rows.remove(id);
                }
                CasOutcome o = blobs.compareAndSet(CATALOG, ref.map(Ref::version).orElse(null), render(rows));
                if (o instanceof CasOutcome.Committed) {
                    return;
                }
                Thread.sleep(Math.min(100, 1L << Math.min(attempt, 6)));
            } catch (IOException e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "registry update failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CofferException(ErrorCode.INTERNAL, "interrupted", e);
            }
        }
        throw new CofferException(ErrorCode.CONFLICT, "the registry is too busy; try again");
    }

    /** Recomputes the catalog from the datasets in the store; returns the number of datasets. */
    public int rebuild() {
        ensureDescriptor();
        TreeMap<DatasetId, String> rows = new TreeMap<>();
        for (DatasetId id : store.list()) {
            rows.put(id, url(id));
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Optional<Ref> ref = blobs.getRef(CATALOG);
                if (blobs.compareAndSet(CATALOG, ref.map(Ref::version).orElse(null), render(rows))
                        instanceof CasOutcome.Committed) {
                    return rows.size();
                }
            } catch (IOException e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "registry rebuild failed", e);
            }
        }
        throw new CofferException(ErrorCode.CONFLICT, "the registry is too busy; try again");
    }

    private void ensureDescriptor() {
        try {
            if (blobs.stat(DESCRIPTOR).isEmpty()) {
                byte[] d = descriptor();
                blobs.put(DESCRIPTOR, new ByteArrayInputStream(d), d.length);
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot write the registry descriptor", e);
        }
    }

    static byte[] descriptor() {
        String json = """
                {
                  "name": "coffer-registry",
                  "title": "Coffer dataset registry",
                  "description": "Every dataset in this Coffer store. url is relative to the store root.",
                  "profile": "tabular-data-package",
                  "resources": [
                    {
                      "name": "catalog",
                      "path": "data/catalog.csv",
                      "profile": "tabular-data-resource",
                      "format": "csv",
                      "mediatype": "text/csv",
                      "encoding": "utf-8",
                      "schema": {
                        "fields": [
                          {"name": "url", "type": "string", "description": "datapackage.json of the dataset's latest revision"},
                          {"name": "name", "type": "string", "constraints": {"required": true}},
                          {"name": "owner", "type": "string", "constraints": {"required": true}}
                        ],
                        "primaryKey": ["owner", "name"]
                      }
                    }
                  ]
                }
                """;
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] render(TreeMap<DatasetId, String> rows) {
        StringBuilder b = new StringBuilder(HEADER);
        rows.forEach((id, url) -> b.append(url).append(',').append(id.name()).append(',').append(id.owner())
                .append("\r\n"));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static TreeMap<DatasetId, String> parse(byte[] csv) {
        TreeMap<DatasetId, String> rows = new TreeMap<>();
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\r?\n");
        for (int i = 1; i < lines.length; i++) {
            String[] cols = lines[i].split(",", -1);
            // Names never contain commas or quotes (DatasetId's pattern), so a plain split is exact.
            if (cols.length == 3 && DatasetId.isValidName(cols[1]) && DatasetId.isValidName(cols[2])) {
                rows.put(DatasetId.of(cols[2], cols[1]), cols[0]);
            }
        }
        return rows;
    }
}
