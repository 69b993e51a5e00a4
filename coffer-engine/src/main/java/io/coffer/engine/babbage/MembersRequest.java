package io.coffer.engine.babbage;

import io.coffer.engine.query.Cut;
import io.coffer.engine.query.OrderSpec;
import io.coffer.engine.query.QueryParser;
import java.util.List;
import java.util.Map;

/** {@code /members/{ref}/} parameters: {@code cut}, {@code order}, {@code page}, {@code pagesize}. */
public record MembersRequest(String cutText, List<Cut> cuts, List<OrderSpec> order, int page, Integer pageSize) {
    public MembersRequest {
        cuts = List.copyOf(cuts);
        order = List.copyOf(order);
    }

    public static MembersRequest fromQuery(Map<String, List<String>> q) {
        String cut = Params.one(q, "cut", "|");
        String ps = Params.one(q, "pagesize", null);
        return new MembersRequest(cut, QueryParser.cuts(cut), QueryParser.order(Params.one(q, "order", null)),
                Params.integer(q, "page", 1, 1, Params.MAX_PAGE),
                ps == null || ps.isBlank() ? null : Params.integer(q, "pagesize", 0, 0, Integer.MAX_VALUE));
    }
}
