package io.coffer.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.query.QueryParser;
import io.coffer.model.CofferException;
import java.nio.charset.StandardCharsets;

/**
 * The cut / drilldown / order parsers take any text: they answer or refuse with a CofferException (a 400
 * at the edge), never anything else. See docs/robustness.md for the fuzzing command.
 */
class QueryFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsersOnlyRefuseWithCofferException(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        int third = s.length() / 3;
        try {
            QueryParser.cuts(s);
        } catch (CofferException expected) {
            // refused
        }
        try {
            AggregateRequest.of(s.substring(0, third), s.substring(third, 2 * third), s.substring(2 * third));
        } catch (CofferException expected) {
            // refused
        }
        try {
            QueryParser.order(s);
        } catch (CofferException expected) {
            // refused
        }
    }
}
