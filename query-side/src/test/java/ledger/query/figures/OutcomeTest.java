package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Counting rule 4: content > subscriberOnly > noDataFound > rejected > pending. */
class OutcomeTest {

    @ParameterizedTest(name = "content={0} subscriber={1} noData={2} rejected={3} -> {4}")
    @CsvSource({
            "false, false, false, false, PENDING",
            "false, false, false, true,  REJECTED",
            "false, false, true,  false, NO_DATA_FOUND",
            "false, false, true,  true,  NO_DATA_FOUND",
            "false, true,  false, false, SUBSCRIBER_ONLY",
            "false, true,  false, true,  SUBSCRIBER_ONLY",
            "false, true,  true,  false, SUBSCRIBER_ONLY",
            "false, true,  true,  true,  SUBSCRIBER_ONLY",
            "true,  false, false, false, CONTENT",
            "true,  false, false, true,  CONTENT",
            "true,  false, true,  false, CONTENT",
            "true,  false, true,  true,  CONTENT",
            "true,  true,  false, false, CONTENT",
            "true,  true,  false, true,  CONTENT",
            "true,  true,  true,  false, CONTENT",
            "true,  true,  true,  true,  CONTENT",
    })
    void allSixteenCombinations(boolean content, boolean subscriber, boolean noData, boolean rejected, Outcome expected) {
        assertThat(Outcome.of(content, subscriber, noData, rejected)).isEqualTo(expected);
    }

    @Test
    void columnsAreInPrecedenceOrder() {
        assertThat(Outcome.values()).containsExactly(Outcome.CONTENT, Outcome.SUBSCRIBER_ONLY, Outcome.NO_DATA_FOUND,
                Outcome.REJECTED, Outcome.PENDING);
    }
}
