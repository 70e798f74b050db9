package ledger.query.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import ledger.events.LegalProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Counting rules 16 and 17: the national-security report, its bands and its delay. */
class NationalSecurityReportTest {

    private static final Period H1 = Period.parse("2014-H1");

    @ParameterizedTest
    @CsvSource({"0,0-499", "1,0-499", "499,0-499", "500,500-999", "999,500-999", "1000,1000-1499", "1499,1000-1499",
            "1500,1500-1999", "18250,18000-18499"})
    void countsArePrintedInBandsOf500(long count, String band) {
        assertThat(NationalSecurityReport.band(count)).isEqualTo(band);
    }

    @Test
    void aCountBelowZeroIsABug() {
        assertThatThrownBy(() -> NationalSecurityReport.band(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bothKindsAlwaysInTheirOrderWithTheirBands() {
        NationalSecurityReport report = NationalSecurityReport.of(H1, Map.of(
                LegalProcess.FISA_ORDER, new Row("FISA_ORDER", 500, 18_499, 3, 0, 0, 0, 497),
                LegalProcess.SUBPOENA, new Row("SUBPOENA", 1000, 1000, 0, 0, 0, 0, 1000)));
        assertThat(report.csv()).isEqualTo("kind,requests,accounts\n"
                + "NATIONAL_SECURITY_LETTER,0-499,0-499\n"
                + "FISA_ORDER,500-999,18000-18499\n");
        assertThat(report.digest()).isEqualTo(PeriodFigures.digest(report.csv()));
        assertThat(report.lines()).extracting(NationalSecurityReport.Line::requests).containsExactly(0L, 500L);
        assertThat(NationalSecurityReport.of(H1, Map.of()).csv())
                .isEqualTo("kind,requests,accounts\nNATIONAL_SECURITY_LETTER,0-499,0-499\nFISA_ORDER,0-499,0-499\n");
    }

    @Test
    void bandEdgesChangeTheDigestOnlyAcrossAnEdge() {
        NationalSecurityReport at499 = NationalSecurityReport.of(H1, Map.of(LegalProcess.NATIONAL_SECURITY_LETTER,
                new Row("NATIONAL_SECURITY_LETTER", 499, 999, 0, 0, 0, 0, 499)));
        NationalSecurityReport at1 = NationalSecurityReport.of(H1, Map.of(LegalProcess.NATIONAL_SECURITY_LETTER,
                new Row("NATIONAL_SECURITY_LETTER", 1, 500, 0, 0, 0, 0, 1)));
        NationalSecurityReport at500 = NationalSecurityReport.of(H1, Map.of(LegalProcess.NATIONAL_SECURITY_LETTER,
                new Row("NATIONAL_SECURITY_LETTER", 500, 1000, 0, 0, 0, 0, 500)));
        assertThat(at499.digest()).isEqualTo(at1.digest());
        assertThat(at500.csv()).contains("NATIONAL_SECURITY_LETTER,500-999,1000-1499\n");
        assertThat(at500.digest()).isNotEqualTo(at499.digest());
    }

    /** 180 days after the first instant after the period: 2014-H1 ends 2014-07-01T00:00Z, so from 2014-12-28T00:00Z. */
    @Test
    void availableFrom180DaysAfterThePeriodsEndToTheInstant() {
        assertThat(NationalSecurityReport.availableFrom(H1)).isEqualTo(Instant.parse("2014-12-28T00:00:00Z"));
        assertThat(NationalSecurityReport.availableFromDate(H1)).isEqualTo(LocalDate.of(2014, 12, 28));
        assertThat(NationalSecurityReport.availableAt(H1, Instant.parse("2014-12-27T23:59:59.999999999Z"))).isFalse();
        assertThat(NationalSecurityReport.availableAt(H1, Instant.parse("2014-12-28T00:00:00Z"))).isTrue();
        assertThat(NationalSecurityReport.availableAt(H1, Instant.parse("2014-06-30T23:59:59Z"))).isFalse();
        // 2014-H2 ends 2015-01-01T00:00Z: 180 days later is 2015-06-30
        assertThat(NationalSecurityReport.availableFromDate(Period.parse("2014-H2"))).isEqualTo(LocalDate.of(2015, 6, 30));
        // a leap year's February counts its 29th day
        assertThat(NationalSecurityReport.availableFromDate(Period.parse("2015-H2"))).isEqualTo(LocalDate.of(2016, 6, 29));
    }
}
