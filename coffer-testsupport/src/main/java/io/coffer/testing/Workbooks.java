package io.coffer.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

/**
 * Workbooks holding given rows, for tests that feed the same data as CSV, .xlsx and .ods: cells that are plain
 * decimals (below the header row, without a leading zero, which marks a code) become numbers, the rest text.
 * The .xlsx is written by fastexcel; the .ods by hand (a zip with mimetype and content.xml is a valid one).
 */
public final class Workbooks {
    private Workbooks() {
    }

    public static Path xlsx(Path file, List<List<String>> rows) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); Workbook wb = new Workbook(out, "coffer-test", "1.0")) {
            Worksheet ws = wb.newWorksheet("Sheet1");
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < rows.get(r).size(); c++) {
                    String v = rows.get(r).get(c);
                    BigDecimal n = r > 0 ? number(v) : null;
                    if (n != null) {
                        ws.value(r, c, n);
                    } else if (!v.isEmpty()) {
                        ws.value(r, c, v);
                    }
                }
            }
        }
        return file;
    }

    public static Path ods(Path file, List<List<String>> rows) throws IOException {
        StringBuilder b = new StringBuilder(ODS_HEAD).append("<table:table table:name=\"Sheet1\">");
        for (int r = 0; r < rows.size(); r++) {
            b.append("<table:table-row>");
            for (String v : rows.get(r)) {
                BigDecimal n = r > 0 ? number(v) : null;
                if (n != null) {
                    b.append("<table:table-cell office:value-type=\"float\" office:value=\"").append(n.toPlainString())
                            .append("\"><text:p>").append(escape(v)).append("</text:p></table:table-cell>");
                } else if (v.isEmpty()) {
                    b.append("<table:table-cell/>");
                } else {
                    b.append("<table:table-cell office:value-type=\"string\"><text:p>").append(escape(v))
                            .append("</text:p></table:table-cell>");
                }
            }
            b.append("</table:table-row>");
        }
        b.append("</table:table>").append(ODS_TAIL);
        return odsWithContent(file, b.toString());
    }

    /** The opening of an .ods content.xml up to the first table, for tests that write their own tables. */
    public static final String ODS_HEAD = """
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
              xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
              xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>
            """;
    public static final String ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>";

    public static Path odsWithContent(Path file, String content) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry("mimetype"));
            z.write("application/vnd.oasis.opendocument.spreadsheet".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("content.xml"));
            z.write(content.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return file;
    }

    static BigDecimal number(String v) {
        if (!v.matches("-?[0-9]+(\\.[0-9]+)?") || v.matches("-?0[0-9]+.*")) {
            return null;
        }
        return new BigDecimal(v);
    }

    static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
