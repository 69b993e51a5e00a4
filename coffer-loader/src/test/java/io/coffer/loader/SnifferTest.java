package io.coffer.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SnifferTest {
    private static CsvFormat sniff(byte[] b) {
        return Sniffer.sniff(b, b.length, true);
    }

    @Test
    void utf8WithBomSemicolonCrlf() {
        byte[] text = "Назив;Буџет\r\nПлати;100\r\nСтоки, услуги;200\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[text.length + 3];
        b[0] = (byte) 0xEF;
        b[1] = (byte) 0xBB;
        b[2] = (byte) 0xBF;
        System.arraycopy(text, 0, b, 3, text.length);
        CsvFormat f = sniff(b);
        assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(f.bom()).isTrue();
        assertThat(f.delimiter()).isEqualTo(';');
        assertThat(f.lineEnding()).isEqualTo("\r\n");
    }

    @Test
    void utf16WithAndWithoutBom() {
        String text = "a\tb\n1\t2\n3\t4\n";
        assertThat(sniff(("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE)).charset())
                .isEqualTo(StandardCharsets.UTF_16LE);
        assertThat(sniff(("\uFEFF" + text).getBytes(StandardCharsets.UTF_16BE)).charset())
                .isEqualTo(StandardCharsets.UTF_16BE);
        CsvFormat noBom = sniff(text.getBytes(StandardCharsets.UTF_16LE));
        assertThat(noBom.charset()).isEqualTo(StandardCharsets.UTF_16LE);
        assertThat(noBom.bom()).isFalse();
        assertThat(noBom.delimiter()).isEqualTo('\t');
    }

    @Test
    void latin1TextFallsBackToWindows1252() {
        byte[] b = "name|amount\nCafé Müller|12\nSeñor|13\n".getBytes(Charset.forName("windows-1252"));
        CsvFormat f = sniff(b);
        assertThat(f.charset().name()).isEqualTo("windows-1252");
        assertThat(f.delimiter()).isEqualTo('|');
        assertThat(f.lineEnding()).isEqualTo("\n");
    }

    @Test
    void cyrillicSingleByteTextIsWindows1251() {
        byte[] b = "назив,износ\nплати,100\nстоки и услуги,200\n".getBytes(Charset.forName("windows-1251"));
        assertThat(sniff(b).charset().name()).isEqualTo("windows-1251");
    }

    @Test
    void delimiterInsideQuotesAndDecimalCommasDoNotMislead() {
        byte[] b = "a;b;c\n\"x, y\";1,5;2,5\n\"z\";3,25;4\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sniff(b).delimiter()).isEqualTo(';');
        byte[] c = "a,b,c\n\"x; y\",1.5,2\n\"p;q\",3,4\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sniff(c).delimiter()).isEqualTo(',');
    }

    @Test
    void asciiSampleOfALongerFileIsOnlyProbablyUtf8() {
        byte[] b = "a,b\n1,2\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(Sniffer.sniff(b, b.length, false).certain()).isFalse();
        assertThat(Sniffer.sniff(b, b.length, true).certain()).isTrue();
    }

    @Test
    void crOnlyLineEndingsAndSingleQuotes() {
        byte[] b = "a,b\r'x, y',1\r'z',2\r".getBytes(StandardCharsets.UTF_8);
        CsvFormat f = sniff(b);
        assertThat(f.lineEnding()).isEqualTo("\r");
        assertThat(f.quote()).isEqualTo('\'');
    }
}
