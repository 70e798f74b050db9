package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Counting rule 5: a demand counts in the UTC half-year of its receivedAt. */
class PeriodTest {

    @Test
    void endsAtTheFirstInstantAfterIt() {
        assertThat(Period.parse("2014-H1").end()).isEqualTo(Instant.parse("2014-07-01T00:00:00Z"));
        assertThat(Period.parse("2014-H2").end()).isEqualTo(Instant.parse("2015-01-01T00:00:00Z"));
        assertThat(Period.of(Period.parse("2014-H1").end())).isEqualTo(Period.parse("2014-H2"));
        assertThat(Period.of(Period.parse("2014-H1").end().minusNanos(1))).isEqualTo(Period.parse("2014-H1"));
    }

    @Test
    void parsesFirstAndSecondHalf() {
        assertThat(Period.parse("2014-H1")).isEqualTo(new Period(2014, 1));
        assertThat(Period.parse("2014-H2")).isEqualTo(new Period(2014, 2));
    }

    @Test
    void parseRoundTripsWithToString() {
        assertThat(Period.parse("2013-H2").toString()).isEqualTo("2013-H2");
        assertThat(Period.parse("0999-H1").toString()).isEqualTo("0999-H1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2014-H3", "2014-H0", "2014-h1", "14-H1", "2014-H1.csv", " 2014-H1", "2014-H1 ",
            "2014H1", "2014-1", "20140-H1", "0000-H1", "2014-H", "-2014-H1", "\u0662\u0660\u0661\u0664-H1"})
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> Period.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNullAndEmpty(String text) {
        assertThatThrownBy(() -> Period.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "2014-01-01T00:00:00Z, 2014-H1",
            "2014-06-30T23:59:59Z, 2014-H1",
            "2014-06-30T23:59:59.999999999Z, 2014-H1",
            "2014-07-01T00:00:00Z, 2014-H2",
            "2014-12-31T23:59:59.999Z, 2014-H2",
            "2015-01-01T00:00:00Z, 2015-H1",
            "2013-12-31T23:59:59.999999999Z, 2013-H2",
            "1969-12-31T23:59:59Z, 1969-H2",
            "1970-01-01T00:00:00Z, 1970-H1",
    })
    void periodOfReceivedAtAtTheBoundaries(String instant, String period) {
        assertThat(Period.of(Instant.parse(instant))).isEqualTo(Period.parse(period));
        assertThat(Period.of(Instant.parse(instant)).toString()).isEqualTo(period);
    }

    @Test
    void periodIsUtcNotLocalTime() {
        // 2014-07-01T01:00+02:00 is still 30 June in UTC
        assertThat(Period.of(Instant.parse("2014-06-30T23:00:00Z"))).isEqualTo(new Period(2014, 1));
        assertThat(Period.of(java.time.OffsetDateTime.parse("2014-07-01T01:00:00+02:00").toInstant()))
                .isEqualTo(new Period(2014, 1));
    }

    @Test
    void toStringZeroPadsYears() {
        assertThat(new Period(1, 1)).hasToString("0001-H1");
        assertThat(new Period(42, 2)).hasToString("0042-H2");
        assertThat(new Period(999, 1)).hasToString("0999-H1");
        assertThat(new Period(2014, 2)).hasToString("2014-H2");
        assertThat(new Period(9999, 2)).hasToString("9999-H2");
    }

    @Test
    void constructorRefusesImpossiblePeriods() {
        assertThatThrownBy(() -> new Period(2014, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Period(2014, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Period(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Period(10000, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersChronologically() {
        assertThat(Period.parse("2013-H2")).isLessThan(Period.parse("2014-H1"));
        assertThat(Period.parse("2014-H1")).isLessThan(Period.parse("2014-H2"));
        assertThat(Period.parse("2014-H2")).isLessThan(Period.parse("2015-H1"));
        assertThat(Period.parse("2014-H1").compareTo(new Period(2014, 1))).isZero();
    }
}
