package ledger.query;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * A clock a test sets, for what depends on the date (the national-security report's delay); the system's until
 * set. A query side started with {@link #QUERY_SIDE_PROPERTY} runs on it.
 */
final class TestClock extends Clock {

    static final String QUERY_SIDE_PROPERTY = "--spring.main.sources=" + Setup.class.getName();

    private volatile Instant now;

    void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        Instant set = now;
        return set == null ? Instant.now() : set;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock is in UTC");
    }

    @Configuration(proxyBeanMethods = false)
    static class Setup {
        @Bean
        @Primary
        TestClock testClock() {
            return new TestClock();
        }
    }
}
