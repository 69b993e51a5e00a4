package io.coffer.versions;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DataPackage;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import io.coffer.versions.SchemaCompatibility.Change;
import io.coffer.versions.SchemaCompatibility.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {
    static Field f(String name, String type) {
        return Field.of(name, type);
    }

    static Field f(String name, String type, String constraintsJson) {
        var c = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(
                constraintsJson.getBytes(StandardCharsets.UTF_8), "constraints");
        return new Field(name, type, null, null, null, c, null, null, null, null);
    }

    static TableSchema s(List<String> pk, Field... fields) {
        return TableSchema.of(List.of(fields)).withPrimaryKey(pk);
    }

    static final TableSchema BASE = s(List.of("id"), f("id", "integer"), f("name", "string"), f("amount", "integer"));

    @Test
    void sameSchemaIsAPatch() {
        Change c = SchemaCompatibility.check(BASE, BASE);
        assertThat(c.level()).isEqualTo(Level.PATCH);
        assertThat(c.reasons()).isEmpty();
    }

    @Test
    void droppingAFieldIsBreaking() {
        Change c = SchemaCompatibility.check(BASE, s(List.of("id"), f("id", "integer"), f("amount", "integer")));
        assertThat(c.level()).isEqualTo(Level.MAJOR);
        assertThat(c.breaking()).containsExactly("field 'name' was dropped");
    }

    @Test
    void wideningIntegerToNumberIsCompatible() {
        Change c = SchemaCompatibility.check(BASE, s(List.of("id"), f("id", "integer"), f("name", "string"),
                f("amount", "number")));
        assertThat(c.level()).isEqualTo(Level.MINOR);
        assertThat(c.reasons()).containsExactly("field 'amount' widened from integer to number");
    }

    @Test
    void narrowingNumberToIntegerIsBreaking() {
        TableSchema num = s(List.of("id"), f("id", "integer"), f("name", "string"), f("amount", "number"));
        Change c = SchemaCompatibility.check(num, BASE);
        assertThat(c.level()).isEqualTo(Level.MAJOR);
        assertThat(c.breaking()).containsExactly("field 'amount' narrowed from number to integer");
    }

    @Test
    void unrelatedTypeChangeIsBreakingAndAnythingToStringIsNot() {
        assertThat(SchemaCompatibility.check(s(List.of(), f("d", "date")), s(List.of(), f("d", "boolean"))).level())
                .isEqualTo(Level.MAJOR);
        assertThat(SchemaCompatibility.check(s(List.of(), f("d", "date")), s(List.of(), f("d", "string"))).level())
                .isEqualTo(Level.MINOR);
        assertThat(SchemaCompatibility.check(s(List.of(), f("d", "date")), s(List.of(), f("d", "datetime"))).level())
                .isEqualTo(Level.MINOR);
        assertThat(SchemaCompatibility.check(s(List.of(), f("d", "string")), s(List.of(), f("d", "date"))).level())
                .isEqualTo(Level.MAJOR);
    }

    @Test
    void addingAnOptionalFieldIsCompatibleAndARequiredOneBreaking() {
        Change optional = SchemaCompatibility.check(BASE, s(List.of("id"), f("id", "integer"), f("name", "string"),
                f("amount", "integer"), f("note", "string")));
        assertThat(optional.level()).isEqualTo(Level.MINOR);
        assertThat(optional.reasons()).containsExactly("optional field 'note' was added");
        Change required = SchemaCompatibility.check(BASE, s(List.of("id"), f("id", "integer"), f("name", "string"),
                f("amount", "integer"), f("note", "string", "{\"required\": true}")));
        assertThat(required.level()).isEqualTo(Level.MAJOR);
        assertThat(required.breaking()).containsExactly("required field 'note' was added");
    }

    @Test
    void changingThePrimaryKeyIsBreaking() {
        Change c = SchemaCompatibility.check(BASE, BASE.withPrimaryKey(List.of("id", "name")));
        assertThat(c.level()).isEqualTo(Level.MAJOR);
        assertThat(c.breaking()).containsExactly("primary key changed from [id] to [id, name]");
    }

    @Test
    void tighteningConstraintsIsBreakingAndLooseningCompatible() {
        TableSchema loose = s(List.of(), f("x", "string", "{\"maxLength\": 10, \"enum\": [\"a\", \"b\"]}"));
        TableSchema tight = s(List.of(), f("x", "string", "{\"maxLength\": 5, \"enum\": [\"a\"], \"required\": true}"));
        Change t = SchemaCompatibility.check(loose, tight);
        assertThat(t.level()).isEqualTo(Level.MAJOR);
        assertThat(t.breaking()).containsExactlyInAnyOrder("field 'x' became required",
                "field 'x' maxLength tightened from 10 to 5", "field 'x' enum lost [b]");
        Change l = SchemaCompatibility.check(tight, loose);
        assertThat(l.level()).isEqualTo(Level.MINOR);
        assertThat(l.breaking()).isEmpty();
        assertThat(l.reasons()).contains("field 'x' is no longer required", "field 'x' enum gained values");
    }

    @Test
    void minimumRaisedIsBreaking() {
        Change c = SchemaCompatibility.check(s(List.of(), f("x", "number", "{\"minimum\": 0}")),
                s(List.of(), f("x", "number", "{\"minimum\": 1}")));
        assertThat(c.breaking()).containsExactly("field 'x' minimum tightened from 0 to 1");
    }

    @Test
    void reorderingFieldsIsCompatible() {
        Change c = SchemaCompatibility.check(BASE, s(List.of("id"), f("id", "integer"), f("amount", "integer"),
                f("name", "string")));
        assertThat(c.level()).isEqualTo(Level.MINOR);
        assertThat(c.reasons()).containsExactly("fields were reordered");
    }

    @Test
    void packagesCompareResourcesByName() {
        DataPackage one = DataPackage.read("""
                {"name": "p", "resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [{"name": "x"}]}}]}"""
                .getBytes(StandardCharsets.UTF_8));
        DataPackage two = DataPackage.read("""
                {"name": "p", "title": "New title", "resources": [
                  {"name": "a", "path": "a.csv", "schema": {"fields": [{"name": "x"}]}},
                  {"name": "b", "path": "b.csv", "schema": {"fields": [{"name": "y"}]}}]}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(SchemaCompatibility.check(one, one).level()).isEqualTo(Level.PATCH);
        assertThat(SchemaCompatibility.check(one, two).reasons()).containsExactly("resource 'b' was added");
        assertThat(SchemaCompatibility.check(two, one).breaking()).containsExactly("resource 'b' was dropped");
    }

    @Test
    void semverBumpsFollowTheLevel() {
        Semver.Info first = new Semver.Info(1, "1.0.0", Level.MAJOR, List.of());
        Semver.Info patch = Semver.next(first, 2, new Change(Level.PATCH, List.of(), List.of()));
        assertThat(patch.version()).isEqualTo("1.0.1");
        Semver.Info minor = Semver.next(patch, 3, new Change(Level.MINOR, List.of("x"), List.of()));
        assertThat(minor.version()).isEqualTo("1.1.0");
        Semver.Info major = Semver.next(minor, 4, new Change(Level.MAJOR, List.of("y"), List.of("y")));
        assertThat(major.version()).isEqualTo("2.0.0");
    }
}
