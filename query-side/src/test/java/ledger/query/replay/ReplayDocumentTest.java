package ledger.query.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.Test;

/**
 * The replay's document as stored: the documents below are written field by field as the build before
 * {@link Replay} wrote them, so a document of either build is read by the other (names, order and BSON types pinned
 * by extended JSON); and the state machine's transitions, allowed and refused.
 */
class ReplayDocumentTest {

    private static final JsonWriterSettings EXTENDED = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-12-07T10:00:05Z");

    private static String json(Document d) {
        return d.toJson(EXTENDED);
    }

    private static Document requestedDocument() {
        return new Document("_id", "replay").append("number", 1).append("state", "REQUESTED").append("requestedAt", T0.toString());
    }

    private static Document runningDocument() {
        return new Document("_id", "replay").append("number", 1).append("state", "RUNNING").append("requestedAt", T0.toString())
                .append("startedAt", T1.toString()).append("attempt", 1).append("owner", "instance-a").append("beat", 0L)
                .append("built", false).append("generation", "r1a1xabc").append("upTo", 1200L).append("processed", 0L)
                .append("total", 1200L);
    }

    @Test
    void theStatesAreStoredAndAnsweredByTheirNames() {
        assertThat(Arrays.stream(ReplayState.values()).map(Enum::name)).containsExactly("REQUESTED", "RUNNING", "FINISHED", "FAILED");
    }

    @Test
    void aRequestIsWrittenAsBefore() {
        assertThat(json(Replay.requested(null, T0).document())).isEqualTo(json(requestedDocument()));
        assertThat(json(Replay.of(requestedDocument()).document())).isEqualTo(json(requestedDocument()));
    }

    @Test
    void aStartedBuildIsWrittenAsBefore() {
        Replay running = Replay.of(requestedDocument()).running("instance-a", "r1a1xabc", 1200, T1);
        assertThat(json(running.document())).isEqualTo(json(runningDocument()));
    }

    @Test
    void documentsAsUpdatedInPlaceReadBackUnchanged() {
        // the $set of a build's beats and of its end append fields in place; read and written again, the same fields
        Document built = runningDocument().append("processed", 1200L).append("beat", 7L).append("built", true);
        Document failed = runningDocument().append("state", "FAILED").append("error", "java.lang.IllegalStateException: x")
                .append("finishedAt", T1.toString());
        Document finished = runningDocument().append("state", "FINISHED").append("processed", 1300L).append("total", 1310L)
                .append("finishedAt", T1.toString());
        Document handedBack = runningDocument().append("state", "REQUESTED");
        for (Document d : new Document[] {requestedDocument(), runningDocument(), built, failed, finished, handedBack}) {
            assertThat(json(Replay.of(d).document())).isEqualTo(json(d));
            assertThat(Replay.of(d).document()).isEqualTo(d);
        }
        Replay read = Replay.of(failed);
        assertThat(read.state()).isEqualTo(ReplayState.FAILED);
        assertThat(read.error()).isEqualTo("java.lang.IllegalStateException: x");
        assertThat(Replay.of(built).awaitsSwitch()).isTrue();
        assertThat(Replay.of(runningDocument()).awaitsSwitch()).isFalse();
    }

    @Test
    void theUpdatesOfABuildAreWrittenAsBefore() {
        assertThat(json(Replay.ofAttempt(2))).isEqualTo(json(new Document("_id", "replay").append("attempt", 2)));
        assertThat(json(Replay.beating(500, 3))).isEqualTo(json(new Document("$set", new Document("processed", 500L).append("beat", 3L))));
        assertThat(json(Replay.builtUpTo(1200, 4))).isEqualTo(json(new Document("$set",
                new Document("built", true).append("processed", 1200L).append("beat", 4L))));
        assertThat(json(Replay.handedBack(ReplayState.REQUESTED, null, T1))).isEqualTo(json(new Document("$set",
                new Document("state", "REQUESTED").append("built", false))));
        assertThat(json(Replay.handedBack(ReplayState.FAILED, "boom", T1))).isEqualTo(json(new Document("$set",
                new Document("state", "FAILED").append("built", false).append("error", "boom").append("finishedAt", T1.toString()))));
        assertThat(json(Replay.finished(1300, 1310, T1))).isEqualTo(json(new Document("$set", new Document("state", "FINISHED")
                .append("processed", 1300L).append("total", 1310L).append("finishedAt", T1.toString()))));
    }

    @Test
    void anotherReplayIsRequestedOnlyOnceTheLatestIsOver() {
        Replay requested = Replay.requested(null, T0);
        Replay running = requested.running("a", "r1a1x", 10, T1);
        assertThatThrownBy(() -> Replay.requested(requested, T1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Replay.requested(running, T1)).isInstanceOf(IllegalStateException.class);
        for (String over : new String[] {"FINISHED", "FAILED"}) {
            Replay next = Replay.requested(Replay.of(runningDocument().append("state", over)), T1);
            assertThat(next.number()).isEqualTo(2);
            assertThat(next.state()).isEqualTo(ReplayState.REQUESTED);
            assertThat(next.attempt()).as("a new replay starts its attempts afresh").isNull();
        }
    }

    @Test
    void aBuildStartsFromARequestOrTakesOverARunningReplayButNeverRestartsOneThatIsOver() {
        Replay first = Replay.requested(null, T0).running("a", "r1a1x", 10, T1);
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(first.startedAt()).isEqualTo(T1.toString());

        Replay takenOver = first.running("b", "r1a2x", 12, T1.plusSeconds(60));
        assertThat(takenOver.attempt()).isEqualTo(2);
        assertThat(takenOver.owner()).isEqualTo("b");
        assertThat(takenOver.startedAt()).as("when the replay first started").isEqualTo(T1.toString());
        assertThat(takenOver.beat()).isZero();
        assertThat(takenOver.heartbeat()).isNotEqualTo(Replay.of(runningDocument().append("beat", 0L)).heartbeat());

        Replay handedBack = Replay.of(first.document().append("state", "REQUESTED"));
        assertThat(handedBack.running("a", "r1a2y", 10, T1).attempt()).isEqualTo(2);

        for (String over : new String[] {"FINISHED", "FAILED"}) {
            Replay done = Replay.of(runningDocument().append("state", over));
            assertThatThrownBy(() -> done.running("a", "r1a2x", 10, T1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void onlyAReplayInProgressKeepsItsGenerationFromTheJanitor() {
        assertThat(Replay.of(runningDocument()).generationInProgress()).isEqualTo("r1a1xabc");
        assertThat(Replay.of(runningDocument().append("state", "REQUESTED")).generationInProgress()).isEqualTo("r1a1xabc");
        assertThat(Replay.of(runningDocument().append("state", "FINISHED")).generationInProgress()).isNull();
        assertThat(Replay.of(runningDocument().append("state", "FAILED")).generationInProgress()).isNull();
    }
}
