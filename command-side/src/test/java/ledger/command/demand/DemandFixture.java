package ledger.command.demand;

import java.time.Duration;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;

/** What the {@link Demand} aggregate's given/when/expect tests share: a fresh fixture a test, and refusal matchers. */
abstract class DemandFixture {

    FixtureConfiguration<Demand> fixture;

    @BeforeEach
    void newFixture() {
        fixture = new AggregateTestFixture<>(Demand.class);
    }

    /** A day from now: later than any instant a demand may record. */
    static Instant future() {
        return Instant.now().plus(Duration.ofDays(1));
    }

    /** A 409: a transition or a reuse the rules forbid, naming the field at fault. */
    static Matcher<DemandRefused> conflict(String field) {
        return refused(DemandRefused.Conflict.class, field);
    }

    /** A 400: a value no demand may have, naming the field at fault. */
    static Matcher<DemandRefused> invalid(String field) {
        return refused(DemandRefused.InvalidField.class, field);
    }

    private static Matcher<DemandRefused> refused(Class<? extends DemandRefused> kind, String field) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(DemandRefused refusal) {
                return kind.isInstance(refusal) && field.equals(refusal.field());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText(kind.getSimpleName() + " on field '" + field + "'");
            }

            @Override
            protected void describeMismatchSafely(DemandRefused refusal, Description description) {
                description.appendText("was " + refusal.getClass().getSimpleName() + " on field '" + refusal.field() + "': "
                        + refusal.getMessage());
            }
        };
    }
}
