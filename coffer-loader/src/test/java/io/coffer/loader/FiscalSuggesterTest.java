package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.FiscalModel;
import io.coffer.model.TableSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiscalSuggesterTest {
    @TempDir
    Path dir;

    private InferenceResult infer(String csv) {
        Path p = TestFiles.write(dir, "t.csv", csv, StandardCharsets.UTF_8);
        return Inference.run(p, Sniffer.sniff(p), List.of(""), ProgressListener.NONE);
    }

    @Test
    void spanishBudgetCodesLabelsLevelsAndAmount() {
        InferenceResult r = infer("AÑO,CENTRO,DESCRIPCION CENTRO,SECCION,DESCRIPCION SECCION,CAPITULO,"
                + "DESCRIPCION CAPITULO,IMPORTE\n2012,001,AYUNTAMIENTO DE MADRID,002,PRESIDENCIA DEL PLENO,1,"
                + "GASTOS DE PERSONAL,102739\n");
        Map<String, String> types = FiscalSuggester.columnTypes(r.schema(), r.columns());
        assertThat(types).containsEntry("AÑO", "date:fiscal-year")
                .containsEntry("CENTRO", "administrative-classification:generic:level1:code")
                .containsEntry("DESCRIPCION CENTRO", "administrative-classification:generic:level1:label")
                .containsEntry("SECCION", "administrative-classification:generic:level2:code")
                .containsEntry("DESCRIPCION SECCION", "administrative-classification:generic:level2:label")
                .containsEntry("CAPITULO", "economic-classification:generic:level1:code")
                .containsEntry("IMPORTE", "value");

        FiscalModel m = FiscalSuggester.model(r.schema(), types, Mapping.EMPTY.overriddenBy(
                new Mapping(null, null, null, null, "EUR", null, Map.of())));
        assertThat(m.measures().get("importe").currency()).isEqualTo("EUR");
        FiscalModel.Dimension admin = m.dimensions().get("administrative-classification");
        assertThat(admin.dimensionType()).isEqualTo("classification");
        assertThat(admin.classificationType()).isEqualTo("administrative");
        assertThat(admin.primaryKey()).containsExactly("centro", "seccion");
        assertThat(admin.attributes().get("descripcion_centro").labelfor()).isEqualTo("centro");
        assertThat(admin.attributes().get("seccion").parent()).isEqualTo("centro");
        assertThat(m.dimensions().get("date").attributes().get("ano").source()).isEqualTo("AÑO");
    }

    @Test
    void yearNamedColumnsAreMeasuresAndPercentagesAreNot() {
        InferenceResult r = infer("Department,2014-15,2015-16,Absorption (%),population\nTreasury,10,20,2.5,100\n");
        Map<String, String> types = FiscalSuggester.columnTypes(r.schema(), r.columns());
        assertThat(types).containsEntry("2014-15", "value").containsEntry("2015-16", "value")
                .doesNotContainEntry("Absorption (%)", "value").doesNotContainEntry("population", "value")
                .containsEntry("Department", "administrative-classification:generic:level1:code");
    }

    @Test
    void payeesDatesAndUnmodelledColumns() {
        InferenceResult r = infer("date,payee_id,payee_name,notes,amount\n2015-01-01,1,Acme Ltd,free text,5.5\n");
        TableSchema s = r.schema();
        Map<String, String> types = FiscalSuggester.columnTypes(s, r.columns());
        assertThat(types).containsEntry("date", "date:generic").containsEntry("payee_id", "recipient:generic:id")
                .containsEntry("payee_name", "recipient:generic:name").containsEntry("notes", "notes:generic:level1:code")
                .containsEntry("amount", "value");
        FiscalModel m = FiscalSuggester.model(s, types, Mapping.EMPTY);
        assertThat(m.dimensions().get("recipient").dimensionType()).isEqualTo("entity");
        assertThat(m.dimensions().get("recipient").attributes().get("payee_name").labelfor()).isEqualTo("payee_id");
    }

    @Test
    void nonLatinNamesGetStableSlugs() {
        assertThat(FiscalSuggester.slug("Буџет", "measure", new java.util.HashSet<>())).isEqualTo("measure_1");
        assertThat(FiscalSuggester.slug("Date registered", "x", new java.util.HashSet<>())).isEqualTo("date_registered");
    }
}
