package io.coffer.engine.query;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL text plus its bound parameters. Text is appended only by engine code from generated column names;
 * every value from a request goes through {@link #param}.
 */
public final class Sql {
    private final StringBuilder text = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    public Sql append(String s) {
        text.append(s);
        return this;
    }

    public Sql append(Sql other) {
        text.append(other.text);
        params.addAll(other.params);
        return this;
    }

    /** Appends {@code ?} bound to {@code value} (String, Long, Integer, BigDecimal or Boolean). */
    public Sql param(Object value) {
        text.append('?');
        params.add(value);
        return this;
    }

    /** A quoted identifier. */
    public Sql ident(String name) {
        text.append('"').append(name.replace("\"", "\"\"")).append('"');
        return this;
    }

    public boolean isEmpty() {
        return text.isEmpty();
    }

    public String text() {
        return text.toString();
    }

    public List<Object> params() {
        return List.copyOf(params);
    }

    public void bind(PreparedStatement ps) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setLong(i + 1, n);
                case BigDecimal d -> ps.setBigDecimal(i + 1, d);
                case Boolean b -> ps.setBoolean(i + 1, b);
                default -> throw new IllegalStateException("unsupported parameter type " + p.getClass());
            }
        }
    }

    @Override
    public String toString() {
        return text + " " + params;
    }
}
