package io.coffer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.MembersRequest;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every corpus package that publishes and has a fiscal model becomes a cube: for each dimension the
 * per-member counts add up to the fact count, members can be listed, and static aggregates are written.
 */
class AllCorpusCubesTest {
    /** Packages whose amounts hold text without declaring it a missing value, and what the refusal says. */
    static final Map<String, String> BAD_AMOUNTS = Map.of(
            "demo-au-budget", "line 86, field '2014-15': 'nfp' is not a number");

    @TempDir
    Path tmp;

    @Test
    void everyPublishableCorpusModelAggregates() throws Exception {
        DataStore store = Fixtures.memoryStore();
        List<String> cubes = new ArrayList<>();
        try (CofferEngine engine = Fixtures.engine(store, tmp.resolve("cache"));
             Stream<Path> dirs = Files.list(Fixtures.corpus())) {
            for (Path d : dirs.sorted().toList()) {
                if (!Files.exists(d.resolve("datapackage.json"))) {
                    continue;
                }
                String name = DatasetId.slugify(d.getFileName().toString());
                Revision rev;
                try {
                    rev = Fixtures.publish(store, "corpus", name, d);
                } catch (CofferException e) {
                    continue; // refused at publish (broken upstream); the store's tests cover those
                }
                if (store.descriptor(rev).model() == null) {
                    continue;
                }
                DatasetId id = rev.dataset();
                if (BAD_AMOUNTS.containsKey(name)) {
                    // Money is never guessed: a non-number amount refuses the cube, naming line and field.
                    assertThatThrownBy(() -> engine.cube(id, null)).isInstanceOf(CofferException.class)
                            .hasMessageContaining(BAD_AMOUNTS.get(name))
                            .satisfies(e -> assertThat(((CofferException) e).code()).isEqualTo(ErrorCode.INVALID_DATA));
                    // Refused again from memory, with the same message, without parsing the CSV again.
                    assertThatThrownBy(() -> engine.cube(id, null)).hasMessageContaining(BAD_AMOUNTS.get(name));
                    continue;
                }
                ObjectNode all = engine.babbage().aggregate(id, null, AggregateRequest.of(null, null, null));
                long facts = all.path("summary").path("_count").asLong();
                assertThat(facts).as(name).isPositive();
                LoadedCube lc = engine.cube(id, null);
                for (String dim : lc.cube().dimensions().keySet()) {
                    ObjectNode by = engine.babbage().aggregate(id, null,
                            AggregateRequest.of(lc.cube().dimensions().get(dim).keyAttribute().ref(), null, null)
                                    .withPage(1, 10_000));
                    long sum = 0;
                    for (JsonNode c : by.path("cells")) {
                        sum += c.path("_count").asLong();
                    }
                    if (by.path("total_cell_count").asLong() <= 10_000) {
                        assertThat(sum).as(name + " by " + dim).isEqualTo(facts);
                    }
                    // A dimension's members are its distinct attribute combinations: the cells of a drilldown
                    // by all of its attributes (by its key alone when it has one attribute).
                    String allAttributes = String.join("|", lc.cube().dimensions().get(dim).attributes().stream()
                            .map(a -> a.ref()).toList());
                    long combinations = engine.babbage().aggregate(id, null,
                            AggregateRequest.of(allAttributes, null, null).withPage(1, 1))
                            .path("total_cell_count").asLong();
                    assertThat(combinations).as(name + " combinations of " + dim).isPositive();
                    assertThat(engine.babbage().members(id, null, dim, MembersRequest.fromQuery(Map.of()))
                            .path("total_member_count").asLong()).as(name + " members of " + dim)
                            .isEqualTo(combinations);
                }
                assertThat(engine.staticAggregates().write(rev)).as(name).isNotEmpty();
                cubes.add(name);
            }
        }
        // The corpus packages with a model that publish (see CliIT's list of broken ones).
        assertThat(cubes).contains("boost-moldova-2014", "demo-al-treasury-spending", "ukgov-cra-sample", "demo-madrid-municipal-gastos",
                "demo-openspending-macedonia", "fdp03-labels-and-hierarchies", "os-packager-example");
    }
}
