package ledger.query.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.TestMongo;
import ledger.events.AccountPseudonym;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.query.projection.Generations;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The replay's state machine against the in-process MongoDB, without Spring: one coordinator per instance. */
class ReplayCoordinatorTest {

    private static final int EVENTS = 300;

    private MongoClient client;
    private MongoDatabase database;
    private MongoEventLog log;
    private final List<ReplayCoordinator> coordinators = new ArrayList<>();
    private final List<Generations> generations = new ArrayList<>();

    @BeforeEach
    void open() {
        String uri = TestMongo.embedded();
        client = MongoClients.create(uri);
        database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
        log = TestMongo.eventLog(database);
        List<GenericDomainEventMessage<DemandReceived>> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String id = "d" + i;
            events.add(new GenericDomainEventMessage<>("Demand", id, 0, new DemandReceived(id, Instant.parse("2014-03-01T00:00:00Z"),
                    new Jurisdiction("US"), "x", LegalProcess.SUBPOENA, List.of(new AccountPseudonym(String.format("%064x", i))))));
        }
        for (int from = 0; from < EVENTS; from += 50) { // a commit holds at most 64 events
            log.appendEvents(events.subList(from, Math.min(EVENTS, from + 50)));
        }
    }

    @AfterEach
    void close() throws InterruptedException {
        for (ReplayCoordinator c : coordinators) {
            c.stop();
        }
        // the generations' janitors are daemon threads, and there is nothing left for them to drop that matters here
        client.close();
    }

    /** Another instance: its own generations' cache and its own identity. */
    private ReplayCoordinator instance(long staleSeconds, long maxEventsPerSecond) {
        Generations g = new Generations(database, log);
        generations.add(g);
        ReplayCoordinator c = new ReplayCoordinator(database, log, g, staleSeconds, maxEventsPerSecond, 0);
        coordinators.add(c);
        return c;
    }

    private Replay stored() {
        return Replay.of(database.getCollection("figures_meta").find(new Document("_id", "replay")).first());
    }

    private List<String> collectionsOf(String generation) {
        return database.listCollectionNames().into(new ArrayList<String>()).stream()
                .filter(name -> name.startsWith("figures_" + generation + "_")).toList();
    }

    @Test
    void oneReplayAtATimeBuiltOnlyWhereTheSegmentIsHeldThenServed() {
        ReplayCoordinator a = instance(30, 0);
        ReplayCoordinator b = instance(30, 0);
        assertThat(a.latest()).isEmpty();
        assertThat(a.request()).isTrue();
        assertThat(b.request()).as("one at a time, across instances").isFalse();
        assertThat(a.request()).isFalse();

        b.duties(() -> false);
        assertThat(stored().state()).as("nothing where the segment is not held").isEqualTo(ReplayState.REQUESTED);

        b.duties(() -> true);
        assertThat(stored().attempt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored().state() == ReplayState.FINISHED);
        Replay finished = stored();
        assertThat(finished.processed()).isEqualTo(EVENTS);
        assertThat(finished.total()).isEqualTo(EVENTS);
        assertThat(finished.finishedAt()).isNotNull();
        assertThat(generations.get(0).servedNow().generation()).as("served on every instance").isEqualTo(finished.generation());
        assertThat(generations.get(0).servedNow().position()).isEqualTo(EVENTS);

        assertThat(a.request()).as("the next one, once it is over").isTrue();
        assertThat(stored().number()).isEqualTo(2);
    }

    @Test
    void aBuildThatStoppedBeatingIsTakenOverIntoAFreshGeneration() {
        database.getCollection("figures_meta").insertOne(Replay.requested(null, Instant.now())
                .running("a-dead-instance", "r1a1xdead", EVENTS, Instant.now()).document());
        database.getCollection("figures_r1a1xdead_rows").insertOne(new Document("_id", "half-built"));
        ReplayCoordinator live = instance(30, 0);
        ReplayCoordinator judging = instance(0, 0);

        live.duties(() -> true);
        live.duties(() -> true);
        assertThat(stored().attempt()).as("a beat seen for less than the stale time is left alone").isEqualTo(1);

        judging.duties(() -> true); // sees the beat
        assertThat(stored().attempt()).isEqualTo(1);
        judging.duties(() -> true); // the same beat, stale at once here
        Replay takenOver = stored();
        assertThat(takenOver.attempt()).isEqualTo(2);
        assertThat(takenOver.owner()).isNotEqualTo("a-dead-instance");
        assertThat(takenOver.generation()).isNotEqualTo("r1a1xdead");
        assertThat(collectionsOf("r1a1xdead")).as("the abandoned generation is dropped").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> stored().state() == ReplayState.FINISHED);
        assertThat(stored().attempt()).isEqualTo(2);
        assertThat(stored().processed()).isEqualTo(EVENTS);
    }

    @Test
    void aBuildStoppedCleanlyHandsTheReplayBackAtOnce() throws InterruptedException {
        ReplayCoordinator stopping = instance(30, 50); // 300 events at 50 a second: still building when stopped
        assertThat(stopping.request()).isTrue();
        stopping.duties(() -> true);
        Replay running = stored();
        assertThat(running.state()).isEqualTo(ReplayState.RUNNING);

        stopping.stop();
        Replay handedBack = stored();
        assertThat(handedBack.state()).isEqualTo(ReplayState.REQUESTED);
        assertThat(handedBack.built()).isFalse();
        assertThat(handedBack.error()).isNull();
        assertThat(collectionsOf(running.generation())).as("its half-built generation is dropped").isEmpty();

        ReplayCoordinator next = instance(30, 0);
        next.duties(() -> true);
        assertThat(stored().attempt()).as("started again at once, no stale time waited").isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored().state() == ReplayState.FINISHED);
    }
}
