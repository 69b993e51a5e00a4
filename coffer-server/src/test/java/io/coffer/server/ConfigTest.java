package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.model.CofferException;
import io.coffer.server.cli.CofferCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigTest {
    @TempDir
    Path tmp;

    String config(Path file) {
        StringWriter out = new StringWriter();
        CommandLine cl = CofferCli.commandLine("--config", file.toString());
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("--config", file.toString(), "config")).isZero();
        return out.toString();
    }

    @Test
    void fileValuesApplyWithTheirOriginAndSecretsAreMasked() throws Exception {
        Path f = tmp.resolve("coffer.yaml");
        Files.writeString(f, """
                storeUrl: /srv/coffer
                port: 9191
                databaseUrl: "jdbc:postgresql://db:5432/coffer?user=coffer&password=hunter2"
                maxUploadBytes: 1048576
                """);
        String out = config(f);
        assertThat(out).contains("storeUrl").contains("/srv/coffer").contains("# file " + f);
        assertThat(out).containsPattern("port\\s+= 9191");
        assertThat(out).containsPattern("maxUploadBytes\\s+= 1048576");
        assertThat(out).contains("password=****").doesNotContain("hunter2");
        assertThat(out).containsPattern("host\\s+= 127.0.0.1\\s+# default");
    }

    @Test
    void unknownKeysFailStartUpNamingThem() throws Exception {
        Path f = tmp.resolve("coffer.yaml");
        Files.writeString(f, "prot: 9090\nstoreUrl: /x\n");
        assertThatThrownBy(() -> CofferCli.commandLine("--config", f.toString())).isInstanceOf(CofferException.class)
                .hasMessageContaining("unknown setting(s)").hasMessageContaining("prot").hasMessageContaining("known: ");
        Files.writeString(f, "store:\n  nested: true\n");
        assertThatThrownBy(() -> CofferCli.commandLine("--config", f.toString())).hasMessageContaining("not a mapping");
        assertThatThrownBy(() -> CofferCli.commandLine("--config", tmp.resolve("missing.yaml").toString()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void flagsBeatTheFile() throws Exception {
        Path f = tmp.resolve("coffer.yaml");
        Files.writeString(f, "storeUrl: " + tmp.resolve("from-file") + "\n");
        StringWriter out = new StringWriter();
        CommandLine cl = CofferCli.commandLine("--config", f.toString());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cl.execute("--config", f.toString(), "--store", tmp.resolve("from-flag").toString(), "ls")).isZero();
        assertThat(Files.exists(tmp.resolve("from-flag"))).isTrue();
        assertThat(Files.exists(tmp.resolve("from-file"))).isFalse();
    }

    @Test
    void durationsTakeUnitsOrIsoAndRefuseNonsense() throws Exception {
        Path f = tmp.resolve("coffer.yaml");
        Files.writeString(f, "jobLease: 90s\njobPoll: 250ms\njobThreads: 4\n");
        String out = config(f);
        assertThat(out).containsPattern("jobLease\\s+= PT1M30S").containsPattern("jobPoll\\s+= PT0\\.25S")
                .containsPattern("jobThreads\\s+= 4");
        for (String bad : new String[] {"0s", "-5s", "soon", "10 parsecs"}) {
            Files.writeString(f, "jobLease: \"" + bad + "\"\n");
            StringWriter err = new StringWriter();
            CommandLine cl = CofferCli.commandLine("--config", f.toString());
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            assertThat(cl.execute("--config", f.toString(), "config")).as(bad).isNotZero();
            assertThat(err.toString()).as(bad).contains(bad);
        }
    }
}
