package ledger.query.replay;

import java.time.Instant;
import org.bson.Document;

/**
 * The replay's document in {@code figures_meta} ({@code _id} {@code replay}): the one place that knows its
 * stored fields. A field absent from the document is null here and stays absent when written back, so a
 * document read and written again is the same document (its whole content is the compare-and-set's filter).
 *
 * @param attempt  the build's attempt, counted from 1 (a takeover is another attempt into another generation)
 * @param owner    the instance running the attempt
 * @param beat     raised by the running build every half second: a beat that stops moving means it stopped
 * @param built    the attempt's generation holds every event up to {@code upTo}: it awaits the switch
 */
record Replay(int number, ReplayState state, String requestedAt, String startedAt, Integer attempt, String owner,
              Long beat, Boolean built, String generation, Long upTo, Long processed, Long total, String error,
              String finishedAt) {

    static final String ID = "replay";

    static Replay of(Document d) {
        return new Replay(d.getInteger("number"), ReplayState.valueOf(d.getString("state")), d.getString("requestedAt"),
                d.getString("startedAt"), d.getInteger("attempt"), d.getString("owner"), longOrNull(d, "beat"),
                d.getBoolean("built"), d.getString("generation"), longOrNull(d, "upTo"), longOrNull(d, "processed"),
                longOrNull(d, "total"), d.getString("error"), d.getString("finishedAt"));
    }

    private static Long longOrNull(Document d, String key) {
        Object value = d.get(key);
        return value == null ? null : ((Number) value).longValue();
    }

    /** The stored document, fields in the order this and earlier builds write them. */
    Document document() {
        Document d = new Document("_id", ID).append("number", number).append("state", state.name());
        put(d, "requestedAt", requestedAt);
        put(d, "startedAt", startedAt);
        put(d, "attempt", attempt);
        put(d, "owner", owner);
        put(d, "beat", beat);
        put(d, "built", built);
        put(d, "generation", generation);
        put(d, "upTo", upTo);
        put(d, "processed", processed);
        put(d, "total", total);
        put(d, "error", error);
        put(d, "finishedAt", finishedAt);
        return d;
    }

    private static void put(Document d, String key, Object value) {
        if (value != null) {
            d.append(key, value);
        }
    }

    /** The first replay, or the one after {@code previous}; refused while {@code previous} is in progress. */
    static Replay requested(Replay previous, Instant now) {
        if (previous != null && previous.state.inProgress()) {
            throw new IllegalStateException("replay " + previous.number + " is " + previous.state);
        }
        return new Replay(previous == null ? 1 : previous.number + 1, ReplayState.REQUESTED, now.toString(),
                null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * A new attempt by {@code owner} into {@code generation}, from the log up to {@code upTo}: from a request, or
     * taking over a running replay whose build stopped; it keeps when the replay first started.
     */
    Replay running(String owner, String generation, long upTo, Instant now) {
        if (!state.inProgress()) {
            throw new IllegalStateException("replay " + number + " is " + state);
        }
        return new Replay(number, ReplayState.RUNNING, requestedAt, startedAt != null ? startedAt : now.toString(),
                nextAttempt(), owner, 0L, false, generation, upTo, 0L, upTo, null, null);
    }

    int nextAttempt() {
        return (attempt == null ? 0 : attempt) + 1;
    }

    boolean awaitsSwitch() {
        return state == ReplayState.RUNNING && Boolean.TRUE.equals(built);
    }

    /** What changes while a build beats: the attempt and its beat (compared, never interpreted as time). */
    String heartbeat() {
        return attempt + "/" + beat;
    }

    /** The generation of a replay in progress, which nobody may drop; null when none is in progress. */
    String generationInProgress() {
        return state.inProgress() ? generation : null;
    }

    long processedOrZero() {
        return processed == null ? 0 : processed;
    }

    long totalOrZero() {
        return total == null ? 0 : total;
    }

    // The updates a build makes to its own attempt's document, matched by attempt: a build taken over matches nothing.

    static Document ofAttempt(int attempt) {
        return new Document("_id", ID).append("attempt", attempt);
    }

    static Document beating(long processed, long beat) {
        return new Document("$set", new Document("processed", processed).append("beat", beat));
    }

    static Document builtUpTo(long upTo, long beat) {
        return new Document("$set", new Document("built", true).append("processed", upTo).append("beat", beat));
    }

    /** A stopped build hands back as {@link ReplayState#REQUESTED} (no error); a failed one as {@link ReplayState#FAILED}. */
    static Document handedBack(ReplayState state, String error, Instant now) {
        Document set = new Document("state", state.name()).append("built", false);
        if (error != null) {
            set.append("error", error).append("finishedAt", now.toString());
        }
        return new Document("$set", set);
    }

    static Document finished(long processed, long total, Instant now) {
        return new Document("$set", new Document("state", ReplayState.FINISHED.name()).append("processed", processed)
                .append("total", total).append("finishedAt", now.toString()));
    }
}
