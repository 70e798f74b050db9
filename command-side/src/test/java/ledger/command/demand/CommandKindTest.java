package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every name a kind of command goes by. The metric tags (operations.md), the ops (fixtures/README.md, the acceptance
 * client's ROUTES) and the hash kinds (stored with every Idempotency-Key) are contracts outside the code: pinned here.
 */
class CommandKindTest {

    @Test
    void eachKindHasItsPathTagOpAndHashKind() {
        assertThat(CommandKind.values()).extracting(CommandKind::path, CommandKind::tag, CommandKind::op, CommandKind::hashed).containsExactly(
                tuple("/api/demands", "receive", "receive", "receive"),
                tuple("/api/demands/{id}/subscriber-disclosures", "subscriber-disclosure", "disclose-subscriber", "subscriber-disclosure"),
                tuple("/api/demands/{id}/content-disclosures", "content-disclosure", "disclose-content", "content-disclosure"),
                tuple("/api/demands/{id}/no-data-found", "no-data-found", "no-data", "no-data-found"),
                tuple("/api/demands/{id}/rejection", "rejection", "reject", "rejection"),
                tuple("/api/demands/{id}/corrections", "correction", "correct", "correction"),
                tuple("/api/demands/{id}/deadline", "deadline", "deadline", "deadline"),
                tuple("/api/demands/{id}/assignment", "assignment", "assign", "assignment"),
                tuple("/api/demands/{id}/non-disclosure-order", "non-disclosure-order", "non-disclosure-order", "non-disclosure-order"),
                tuple("/api/demands/{id}/user-notice", "user-notice", "user-notice", "user-notice"));
    }

    @Test
    void aKindIsFoundByItsOpAndItsPath() {
        for (CommandKind kind : CommandKind.values()) {
            assertThat(CommandKind.ofOp(kind.op())).contains(kind);
            assertThat(CommandKind.ofPath(kind.path())).contains(kind);
        }
        assertThat(CommandKind.ofOp("subscriber-disclosure")).as("a tag is no op").isEmpty();
        assertThat(CommandKind.RECEIVE.pathFor("d-1")).isEqualTo("/api/demands");
        assertThat(CommandKind.USER_NOTICE.pathFor("a%20b")).isEqualTo("/api/demands/a%20b/user-notice");
    }

    @Test
    void everyKindIsCountedFromTheControllersOwnHandler() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CommandCounts(registry); // refuses to start if a kind has no handler, or a handler no kind
        for (CommandKind kind : CommandKind.values()) {
            for (String outcome : CommandCounts.OUTCOMES) {
                assertThat(registry.find("ledger.commands").tags("kind", kind.tag(), "outcome", outcome).counter())
                        .as("%s %s", kind, outcome).isNotNull().extracting(Counter::count).isEqualTo(0.0);
            }
        }
        assertThat(registry.getMeters()).hasSize(CommandKind.values().length * CommandCounts.OUTCOMES.length);
        assertThat(Arrays.stream(DemandController.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(org.springframework.web.bind.annotation.PostMapping.class))).hasSize(CommandKind.values().length);
    }
}
