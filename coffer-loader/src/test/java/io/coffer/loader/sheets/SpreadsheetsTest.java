package io.coffer.loader.sheets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.ProgressListener;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.testing.Corpus;
import io.coffer.testing.Workbooks;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpreadsheetsTest {
    @TempDir
    Path tmp;

    @Test
    void tellsTablesFromEverythingElse() throws Exception {
        assertThat(Spreadsheets.kind(Files.write(tmp.resolve("empty.csv"), new byte[0]))).isEqualTo(Spreadsheets.Kind.EMPTY);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThat(Spreadsheets.kind(Files.write(tmp.resolve("photo.csv"), png))).isEqualTo(Spreadsheets.Kind.OTHER);
        assertThat(Spreadsheets.kind(Files.writeString(tmp.resolve("a.csv"), "a;b\n1;2,5\n"))).isEqualTo(Spreadsheets.Kind.TEXT);
        assertThat(Spreadsheets.kind(Files.write(tmp.resolve("w.csv"),
                "Gemeinde;Betrag\nKöln;1.234,56\n".getBytes(java.nio.charset.Charset.forName("windows-1252")))))
                .isEqualTo(Spreadsheets.Kind.TEXT);
        // UTF-16 without a BOM (the loader reads it by its NUL pattern) is text too.
        assertThat(Spreadsheets.kind(Files.write(tmp.resolve("u16.csv"), "region;amount\nNorth;12,5\n"
                .getBytes(StandardCharsets.UTF_16LE)))).isEqualTo(Spreadsheets.Kind.TEXT);
        assertThat(Spreadsheets.kind(xlsx(tmp.resolve("book.bin"), List.of(List.of("a"))))).isEqualTo(Spreadsheets.Kind.XLSX);
        assertThat(Spreadsheets.kind(ods(tmp.resolve("book2.bin"), List.of(List.of("a"))))).isEqualTo(Spreadsheets.Kind.ODS);
        Path zip = tmp.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Spreadsheets.kind(zip)).isEqualTo(Spreadsheets.Kind.OTHER);
        assertThatThrownBy(() -> Spreadsheets.toCsv(zip, null, tmp.resolve("x.csv"))).isInstanceOf(CofferException.class)
                .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void anXlsxSheetBecomesCsvWithExactNumbersIsoDatesAndItsGaps() throws Exception {
        Path book = tmp.resolve("spend.xlsx");
        try (OutputStream out = Files.newOutputStream(book); Workbook wb = new Workbook(out, "test", "1.0")) {
            Worksheet notes = wb.newWorksheet("Notes");
            notes.value(0, 0, "read me");
            Worksheet ws = wb.newWorksheet("Data 2024");
            ws.value(0, 0, "Region");
            ws.value(0, 1, "Paid on");
            ws.value(0, 2, "Amount, EUR");
            ws.value(1, 0, "Nord \"A\"");
            ws.value(1, 1, LocalDate.of(2024, 3, 31));
            ws.style(1, 1).format("dd/mm/yyyy").set();
            ws.value(1, 2, new BigDecimal("1234567.891"));
            // row 3 left out: an empty row; row 4 with a gap in the middle
            ws.value(3, 0, "Süd");
            ws.value(3, 2, new BigDecimal("-0.01"));
            ws.value(4, 2, new BigDecimal("12345678901234.56"));
        }
        assertThat(Spreadsheets.sheets(book)).containsExactly("Notes", "Data 2024");
        Path csv = tmp.resolve("out.csv");
        assertThat(Spreadsheets.toCsv(book, "Data 2024", csv)).isEqualTo(5);
        assertThat(read(csv)).containsExactly(
                List.of("Region", "Paid on", "Amount, EUR"),
                List.of("Nord \"A\"", "2024-03-31", "1234567.891"),
                List.of(""),
                List.of("Süd", "", "-0.01"),
                List.of("", "", "12345678901234.56"));
        // A row shorter than the header (a sheet stores no trailing empty cells) is padded to its width.
        assertThat(Spreadsheets.toCsv(book, null, csv)).isEqualTo(1);
        assertThat(read(csv)).containsExactly(List.of("read me"));
        assertThatThrownBy(() -> Spreadsheets.toCsv(book, "2023", csv)).hasMessageContaining("Notes, Data 2024");
    }

    @Test
    void anOdsSheetBecomesCsvExpandingRepeatsButNotTheTrailingEmptyOnes() throws Exception {
        String content = Workbooks.ODS_HEAD + """
                <table:table table:name="Haushalt">
                 <table:table-row>
                  <table:table-cell office:value-type="string"><text:p>Titel</text:p></table:table-cell>
                  <table:table-cell office:value-type="string"><text:p>Soll<text:s text:c="2"/>2024</text:p></table:table-cell>
                  <table:table-cell office:value-type="string"><text:p>Stand</text:p></table:table-cell>
                 </table:table-row>
                 <table:table-row table:number-rows-repeated="2">
                  <table:table-cell office:value-type="string"><text:p>Schulen</text:p></table:table-cell>
                  <table:table-cell office:value-type="currency" office:currency="EUR" office:value="91100.16"><text:p>91.100,16 €</text:p></table:table-cell>
                  <table:table-cell office:value-type="date" office:date-value="2024-12-31"><text:p>31.12.24</text:p></table:table-cell>
                  <table:table-cell table:number-columns-repeated="16380"/>
                 </table:table-row>
                 <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
                 <table:table-row>
                  <table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="1E-9"><text:p>0</text:p></table:table-cell>
                 </table:table-row>
                 <table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
                </table:table>
                <table:table table:name="Leer"/>
                """ + Workbooks.ODS_TAIL;
        Path book = Workbooks.odsWithContent(tmp.resolve("haushalt.ods"), content);
        assertThat(Spreadsheets.kind(book)).isEqualTo(Spreadsheets.Kind.ODS);
        assertThat(Spreadsheets.sheets(book)).containsExactly("Haushalt", "Leer");
        Path csv = tmp.resolve("h.csv");
        assertThat(Spreadsheets.toCsv(book, null, csv)).isEqualTo(7);
        assertThat(read(csv)).containsExactly(
                List.of("Titel", "Soll  2024", "Stand"),
                List.of("Schulen", "91100.16", "2024-12-31"),
                List.of("Schulen", "91100.16", "2024-12-31"),
                List.of(""), List.of(""), List.of(""),
                List.of("0.000000001", "0.000000001", ""));
    }

    @Test
    void aCorpusCsvAsXlsxAndAsOdsLoadsWithTheSameExactTotals() throws Exception {
        Path source = Corpus.get("ukgov-cra-sample").resolve("dataset.csv");
        List<List<String>> rows = read(source);
        InitResult fromCsv = Loader.init(source, tmp.resolve("csv-pkg"), Optional.empty(), ProgressListener.NONE);
        assertThat(fromCsv.ok()).isTrue();
        assertThat(fromCsv.totals()).isNotEmpty();

        for (Path book : List.of(xlsx(tmp.resolve("cra.xlsx"), rows), ods(tmp.resolve("cra.ods"), rows))) {
            Path csv = tmp.resolve(book.getFileName() + ".csv");
            assertThat(Spreadsheets.toCsv(book, null, csv)).isEqualTo(rows.size());
            InitResult r = Loader.init(csv, tmp.resolve(book.getFileName() + "-pkg"), Optional.empty(), ProgressListener.NONE);
            assertThat(r.ok()).as(book.toString()).isTrue();
            assertThat(r.rows()).isEqualTo(fromCsv.rows());
            assertThat(r.totals().keySet()).isEqualTo(fromCsv.totals().keySet());
            fromCsv.totals().forEach((k, v) -> assertThat(r.totals().get(k)).as(book + " " + k).isEqualByComparingTo(v));
        }
    }

    static Path xlsx(Path file, List<List<String>> rows) throws IOException {
        return Workbooks.xlsx(file, rows);
    }

    static Path ods(Path file, List<List<String>> rows) throws IOException {
        return Workbooks.ods(file, rows);
    }

    static List<List<String>> read(Path csv) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (CsvReader<CsvRecord> r = CsvReader.builder().skipEmptyLines(false)
                .allowExtraFields(true).allowMissingFields(true).ofCsvRecord(csv)) {
            for (CsvRecord rec : r) {
                out.add(rec.getFields());
            }
        }
        return out;
    }
}
