package io.coffer.engine.babbage;

import io.coffer.engine.query.Cut;
import io.coffer.engine.query.OrderSpec;
import io.coffer.engine.query.QueryParser;
import java.util.List;
import java.util.Map;

/**
 * {@code /facts/} parameters: {@code fields=a,b} (default: every attribute and measure), {@code cut},
 * {@code order}, {@code page}, {@code pagesize} (default 100, clamped).
 */
public record FactsRequest(List<String> fields, String cutText, List<Cut> cuts, List<OrderSpec> order, int page,
                           Integer pageSize) {
    public FactsRequest {
        fields = List.copyOf(fields);
        cuts = List.copyOf(cuts);
        order = List.copyOf(order);
    }

    public static FactsRequest fromQuery(Map<String, List<String>> q) {
        String cut = Params.one(q, "cut", "|");
        String ps = Params.one(q, "pagesize", null);
        return new FactsRequest(QueryParser.refs(Params.one(q, "fields", null), ',', "fields"), cut,
                QueryParser.cuts(cut), QueryParser.order(Params.one(q, "order", null)),
                Params.integer(q, "page", 1, 1, Params.MAX_PAGE),
                ps == null || ps.isBlank() ? null : Params.integer(q, "pagesize", 0, 0, Integer.MAX_VALUE));
    }
}
