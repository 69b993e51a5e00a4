package io.coffer.engine.babbage;

import io.coffer.engine.query.Cut;
import io.coffer.engine.query.OrderSpec;
import io.coffer.engine.query.QueryParser;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /aggregate/} parameters: {@code drilldown=a|b}, {@code cut=...}, {@code order=ref:desc,...},
 * {@code page} (from 1), {@code pagesize} (default 100; clamped to the engine's maximum),
 * {@code aggregates=a|b} (default: all listed aggregates), {@code format=json|csv}.
 *
 * @param pageSize the page size asked for, or null for the default (100; for CSV: every cell up to the
 *                 engine's CSV row limit)
 * @param aggregates null for the default set
 */
public record AggregateRequest(List<String> drilldown, String cutText, List<Cut> cuts, List<OrderSpec> order,
                               int page, Integer pageSize, List<String> aggregates, String format) {
    public AggregateRequest {
        drilldown = List.copyOf(drilldown);
        cuts = List.copyOf(cuts);
        order = List.copyOf(order);
        aggregates = aggregates == null ? null : List.copyOf(aggregates);
    }

    public static AggregateRequest of(String drilldown, String cut, String order) {
        return new AggregateRequest(QueryParser.refs(drilldown, '|', "drilldown"), cut, QueryParser.cuts(cut),
                QueryParser.order(order), 1, null, null, "json");
    }

    public AggregateRequest withPage(int newPage, Integer newPageSize) {
        return new AggregateRequest(drilldown, cutText, cuts, order, newPage, newPageSize, aggregates, format);
    }

    public AggregateRequest withAggregates(List<String> newAggregates) {
        return new AggregateRequest(drilldown, cutText, cuts, order, page, pageSize, newAggregates, format);
    }

    public boolean csv() {
        return "csv".equals(format);
    }

    /**
     * Parses query parameters (each name mapped to its values, as Javalin's {@code queryParamMap()} gives
     * them). Syntax errors are {@link ErrorCode#BAD_REQUEST}; refs are checked against the cube when the
     * query runs. Several {@code cut} parameters are joined with {@code |} (all must hold).
     */
    public static AggregateRequest fromQuery(Map<String, List<String>> q) {
        String cut = Params.one(q, "cut", "|");
        String aggs = Params.one(q, "aggregates", null);
        String format = Params.one(q, "format", null);
        format = format == null || format.isBlank() ? "json" : format.strip().toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("csv")) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "format must be json or csv, not '" + format + "'");
        }
        String ps = Params.one(q, "pagesize", null);
        return new AggregateRequest(QueryParser.refs(Params.one(q, "drilldown", null), '|', "drilldown"),
                cut, QueryParser.cuts(cut), QueryParser.order(Params.one(q, "order", null)),
                Params.integer(q, "page", 1, 1, Params.MAX_PAGE),
                ps == null || ps.isBlank() ? null : Params.integer(q, "pagesize", 0, 0, Integer.MAX_VALUE),
                aggs == null || aggs.isBlank() ? null : QueryParser.refs(aggs, '|', "aggregates"), format);
    }
}
