package io.coffer.engine.babbage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.engine.CofferEngine;
import io.coffer.engine.EngineConfig;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries are bounded in time: DuckDB cancels a statement past the limit, and the API says so plainly. */
class QueryTimeoutTest {
    @TempDir
    Path tmp;

    @Test
    void aStatementPastTheLimitIsCancelledAndReportedAsATimeout() throws Exception {
        EngineConfig config = EngineConfig.defaults().withCacheDir(tmp).withResources(1, "256MB").withQueryTimeout(1);
        try (DataStore store = Stores.open("memory:timeout-" + java.util.UUID.randomUUID(), Map.of()); CofferEngine engine = new CofferEngine(store, config)) {
            long started = System.nanoTime();
            SQLException cancelled;
            try (Connection c = engine.connect();
                 // Hours of work on one thread, unless it is cancelled.
                 PreparedStatement ps = c.prepareStatement("SELECT sum(i % 7) FROM range(1000000000000) t(i)")) {
                ps.setQueryTimeout(config.queryTimeoutSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    throw new AssertionError("the query was not cancelled: " + rs.getObject(1));
                } catch (SQLException e) {
                    cancelled = e;
                }
            }
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(15_000);
            CofferException e = BabbageService.failed(DatasetId.of("a", "b"), cancelled, 1);
            assertThat(e.code()).isEqualTo(ErrorCode.QUERY_TIMEOUT);
            assertThat(e.code().httpStatus()).isEqualTo(503);
            assertThat(e.getMessage()).contains("ran longer than 1 s");
            // Any other failure stays an internal error.
            assertThat(BabbageService.failed(DatasetId.of("a", "b"), new SQLException("Binder Error: x"), 1).code())
                    .isEqualTo(ErrorCode.INTERNAL);
        }
    }

    @Test
    void theLimitIsASettingWithBounds() {
        assertThat(EngineConfig.defaults().queryTimeoutSeconds()).isEqualTo(30);
        assertThat(EngineConfig.fromMap(Map.of("engine.query-timeout", "2m")).queryTimeoutSeconds()).isEqualTo(120);
        assertThat(EngineConfig.fromMap(Map.of("engine.query-timeout", "45")).queryTimeoutSeconds()).isEqualTo(45);
        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("engine.query-timeout", "0")))
                .hasMessageContaining("1 to 3600");
        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("engine.query-timeout", "soon")))
                .hasMessageContaining("not a number");
        // Strict: a misspelt engine setting fails instead of being ignored.
        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("engine.querytimeout", "5")))
                .isInstanceOf(CofferException.class).hasMessageContaining("unknown engine setting 'engine.querytimeout'");
    }
}
