package ledger.query.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ordered set's order and its count of what is before now, against a plain count over random changes. */
class TimelineTest {

    private static Instant day(int d) {
        return Instant.parse("2025-01-01T00:00:00Z").plusSeconds(86_400L * d);
    }

    @Test
    void ordersByInstantThoseWithoutLastThenById() {
        Timeline t = new Timeline();
        t.add(new Timeline.Slot(null, "a"));
        t.add(new Timeline.Slot(day(2), "b"));
        t.add(new Timeline.Slot(day(1), "z"));
        t.add(new Timeline.Slot(day(2), "a"));
        assertThat(t.slots()).extracting(Timeline.Slot::demandId).containsExactly("z", "a", "b", "a");
        assertThat(t.size()).isEqualTo(4);
    }

    @Test
    void countsWhatIsBeforeAMovingBoundaryAsAPlainCountWould() {
        Random random = new Random(21);
        Timeline t = new Timeline();
        List<Timeline.Slot> present = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            int what = random.nextInt(10);
            if (what < 5) {
                Timeline.Slot slot = new Timeline.Slot(random.nextInt(8) == 0 ? null : day(random.nextInt(100)), "d-" + random.nextInt(300));
                t.add(slot);
                if (!present.contains(slot)) {
                    present.add(slot);
                }
            } else if (what < 8 && !present.isEmpty()) {
                Timeline.Slot slot = present.remove(random.nextInt(present.size()));
                t.remove(slot);
            } else {
                Instant now = day(random.nextInt(100)).plusSeconds(random.nextInt(3) * 43_200L);
                long plain = present.stream().filter(s -> s.at() != null && s.at().isBefore(now)).count();
                assertThat(t.countBefore(now)).as("step %d", step).isEqualTo(plain);
            }
            assertThat(t.size()).isEqualTo(present.size());
        }
    }
}
