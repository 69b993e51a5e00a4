package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.DataPackage;
import io.coffer.model.FiscalModel;
import io.coffer.model.Json;
import io.coffer.testing.Corpus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code testdata/real-*} file, as its publisher put it out, through {@code init} and {@code validate}:
 * every money column named in its {@code rules.json} is a measure, the totals equal {@code expected.json}
 * (computed without Coffer, in Python decimal), and every other column is in a dimension of the model.
 */
class RealFilesTest {
    @TempDir
    Path tmp;

    record Outcome(String name, boolean written, int moneyFound, int moneyTotal, int exact, boolean allInModel,
                   List<String> problems) {
    }

    static List<Path> realDirs() throws IOException {
        try (Stream<Path> s = Files.list(Corpus.root())) {
            return s.filter(p -> p.getFileName().toString().startsWith("real-")).sorted().toList();
        }
    }

    static Outcome run(Path dir, Path out) throws IOException {
        JsonNode rules = Json.parse(Files.readAllBytes(dir.resolve("rules.json")), "rules.json");
        JsonNode expected = Json.parse(Files.readAllBytes(dir.resolve("expected.json")), "expected.json");
        Path csv = dir.resolve(rules.get("file").asText());
        List<String> problems = new ArrayList<>();
        InitResult r = Loader.init(csv, out, Optional.empty(), ProgressListener.NONE);
        int moneyTotal = expected.get("money_columns").size();
        if (!r.written()) {
            problems.add("nothing written: " + r.report().toText());
            return new Outcome(dir.getFileName().toString(), false, 0, moneyTotal, 0, false, problems);
        }
        Report again = Validator.validate(out, ValidationOptions.DEFAULT, ProgressListener.NONE);
        if (!again.valid()) {
            problems.add("written package invalid: " + again.toText().subList(0, Math.min(5, again.toText().size())));
        }
        DataPackage pkg = r.descriptor();
        List<String> names = pkg.resources().get(0).schema().fieldNames();
        FiscalModel model = pkg.model();
        Set<String> measureSources = new HashSet<>();
        Set<String> dimensionSources = new HashSet<>();
        if (model != null) {
            model.measures().values().forEach(m -> measureSources.add(m.source()));
            model.dimensions().values().forEach(d -> d.attributes().values().forEach(a -> dimensionSources.add(a.source())));
        }
        int found = 0;
        int exact = 0;
        Set<String> money = new HashSet<>();
        for (JsonNode m : expected.get("money_columns")) {
            int idx = m.get("index").asInt();
            String field = idx < names.size() ? names.get(idx) : null;
            money.add(field);
            if (field == null || !measureSources.contains(field)) {
                problems.add("money column " + idx + " '" + m.get("name").asText() + "' (field " + field
                        + ") is not a measure");
                continue;
            }
            found++;
            BigDecimal want;
            if (m.get("sum").isNull()) {
                // A column mixing currencies (kn and €): the loader sums the numbers; compare with the parts.
                want = BigDecimal.ZERO;
                for (var e : m.get("sums_by_currency").properties()) {
                    if (!e.getKey().endsWith("_count")) {
                        want = want.add(new BigDecimal(e.getValue().asText()));
                    }
                }
            } else {
                want = new BigDecimal(m.get("sum").asText());
            }
            BigDecimal got = r.totals().get(field);
            if (got != null && got.compareTo(want) == 0) {
                exact++;
            } else {
                problems.add("total of '" + field + "': " + got + " != expected " + want + " "
                        + pkg.resources().get(0).schema().field(field).map(Object::toString).orElse("") + " "
                        + r.report().toText().subList(0, Math.min(3, r.report().toText().size())) + r.notes());
            }
        }
        boolean allInModel = true;
        Set<String> blank = new HashSet<>();
        Inference.run(out.resolve(r.dataPath()), CsvFormat.NORMALISED, List.of(""), ProgressListener.NONE).columns()
                .forEach(c -> {
                    if (c.nonEmpty() == 0) {
                        blank.add(c.name());
                    }
                });
        for (String n : names) {
            if (!blank.contains(n) && !money.contains(n) && !measureSources.contains(n) && !dimensionSources.contains(n)) {
                allInModel = false;
                problems.add("column '" + n + "' is in no dimension");
            }
        }
        return new Outcome(dir.getFileName().toString(), true, found, moneyTotal, exact, allInModel, problems);
    }

    @TestFactory
    Stream<DynamicTest> everyRealFileLoadsWithItsMoneyColumnsAsMeasuresAndExactTotals() throws IOException {
        List<Path> dirs = realDirs();
        assertThat(dirs).hasSizeGreaterThanOrEqualTo(16);
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            Outcome o = run(dir, Files.createTempDirectory(tmp, "pkg"));
            assertThat(o.problems()).as(o.name()).isEmpty();
        }));
    }

    /** The scoreboard the issue measures (printed in the test log), and every count at its best. */
    @Test
    void scoreboard() throws IOException {
        int files = 0, written = 0, allMoney = 0, money = 0, moneyTotal = 0, exact = 0, inModel = 0;
        for (Path dir : realDirs()) {
            Outcome o = run(dir, Files.createTempDirectory(tmp, "pkg"));
            files++;
            written += o.written() ? 1 : 0;
            allMoney += o.moneyFound() == o.moneyTotal() ? 1 : 0;
            money += o.moneyFound();
            moneyTotal += o.moneyTotal();
            exact += o.exact();
            inModel += o.allInModel() ? 1 : 0;
            System.out.println("SCORE " + o.name() + " " + o.problems());
        }
        System.out.printf("SCORE files=%d written=%d allMoneyFound=%d money=%d/%d exactTotals=%d allColumnsInModel=%d%n",
                files, written, allMoney, money, moneyTotal, exact, inModel);
        assertThat(List.of(written, allMoney, money, exact, inModel)).containsExactly(files, files, moneyTotal,
                moneyTotal, files);
    }
}
