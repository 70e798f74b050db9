package ledger.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.TestMongo;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.query.audit.Recount;
import ledger.query.figures.Period;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A query side upgraded on figures projected by a build before the tables by legal process (per-jurisdiction
 * rows, accounts per row, no shape) rebuilds them from the log before it folds anything into them; meanwhile it
 * serves their per-jurisdiction figures and says the others are not there yet.
 */
class EarlierLayoutTest {

    private static final Period H1 = Period.parse("2014-H1");
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    private MongoClient client;

    @AfterEach
    void close() {
        client.close();
    }

    private static void append(MongoEventLog log, String id, long sequence, Object event) {
        log.appendEvents(List.of(new GenericDomainEventMessage<>("Demand", id, sequence, event)));
    }

    private static DemandReceived received(String id, String jurisdiction, LegalProcess process, String... accounts) {
        return new DemandReceived(id, Instant.parse("2014-03-01T00:00:00Z"), new Jurisdiction(jurisdiction), "x", process,
                java.util.Arrays.stream(accounts).map(AccountPseudonym::new).toList());
    }

    @Test
    void figuresOfAnEarlierLayoutAreRebuiltBeforeAnythingIsFoldedIntoThem() throws InterruptedException {
        String uri = TestMongo.embedded();
        client = MongoClients.create(uri);
        MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
        MongoEventLog log = TestMongo.eventLog(database);
        append(log, "d1", 0, received("d1", "US", LegalProcess.SUBPOENA, A, B));
        append(log, "d2", 0, received("d2", "DE", LegalProcess.COURT_ORDER, B));
        append(log, "d3", 0, received("d3", "US", LegalProcess.SEARCH_WARRANT, C));
        append(log, "d3", 1, new ContentDisclosed("d3", Instant.parse("2014-04-01T00:00:00Z")));
        Recount recount = new Recount();
        log.scan(4, e -> recount.apply(e.aggregateId(), e.payload()));

        // generation g1 as the earlier build left it
        Document us = new Document("_id", "2014-H1|US").append("j", "US").append("requests", 2L).append("accounts", 3L)
                .append("content", 1L).append("subscriberOnly", 0L).append("noDataFound", 0L).append("rejected", 0L).append("pending", 1L);
        Document de = new Document("_id", "2014-H1|DE").append("j", "DE").append("requests", 1L).append("accounts", 1L)
                .append("content", 0L).append("subscriberOnly", 0L).append("noDataFound", 0L).append("rejected", 0L).append("pending", 1L);
        database.getCollection("figures_g1_rows").insertMany(List.of(us, de));
        database.getCollection("figures_g1_accounts").insertMany(List.of(
                new Document("_id", "2014-H1|US|aa").append("k", new Document(A, 1L)),
                new Document("_id", "2014-H1|US|bb").append("k", new Document(B, 1L)),
                new Document("_id", "2014-H1|US|cc").append("k", new Document(C, 1L)),
                new Document("_id", "2014-H1|DE|bb").append("k", new Document(B, 1L))));
        database.getCollection("figures_g1_periods").insertOne(new Document("_id", "2014-H1").append("position", 4L)
                .append("rows", List.of(de, us)));
        database.getCollection("figures_g1_state").insertOne(new Document("_id", "position").append("position", 4L));

        Generations target = new Generations(database, log);
        FiguresStore.Snapshot served = target.served().snapshot(H1);
        assertThat(served.byLegalProcess()).isFalse();
        assertThat(served.figures().csv()).isEqualTo(recount.figures(H1).csv());

        target.servedInCurrentLayout(); // what the replay's duties and every batch do first
        assertThat(target.served().generation()).isNotEqualTo("g1");
        FiguresStore.Snapshot rebuilt = target.served().snapshot(H1);
        assertThat(rebuilt.byLegalProcess()).isTrue();
        assertThat(rebuilt.position()).isEqualTo(4);
        assertThat(rebuilt.counts()).isEqualTo(recount.counts(H1));

        // the live projection goes on in the rebuilt generation
        DemandCorrected letter = new DemandCorrected("d1", null, null, null, LegalProcess.NATIONAL_SECURITY_LETTER, null);
        append(log, "d1", 1, letter);
        recount.apply("d1", letter);
        List<FiguresProjector.Recorded> batch = new ArrayList<>();
        batch.add(new FiguresProjector.Recorded(5, letter, "d1"));
        target.project(batch);
        assertThat(target.served().snapshot(H1).counts()).isEqualTo(recount.counts(H1));
        assertThat(target.served().snapshot(H1).counts().nationalSecurity().lines().get(0).accounts()).isEqualTo(2);

        // a clean stop still drops the replaced generation
        target.stop();
        assertThat(database.listCollectionNames().into(new ArrayList<>())).noneMatch(name -> name.startsWith("figures_g1_"));
    }
    /** Figures of shape 2 (tables by legal process, no handling rows) are rebuilt the same way, handling rows and all. */
    @Test
    void figuresWithoutHandlingRowsAreRebuiltBeforeAnythingIsFoldedIntoThem() throws InterruptedException {
        String uri = TestMongo.embedded();
        client = MongoClients.create(uri);
        MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
        MongoEventLog log = TestMongo.eventLog(database);
        Instant received = Instant.parse("2014-03-01T00:00:00Z");
        append(log, "d1", 0, new DemandReceived("d1", received, new Jurisdiction("US"), "x", LegalProcess.SUBPOENA, List.of(),
                received.plusSeconds(86_400)));
        append(log, "d1", 1, new ContentDisclosed("d1", received.plusSeconds(7_200)));
        Recount recount = new Recount();
        log.scan(2, e -> recount.apply(e.aggregateId(), e.payload()));

        // generation g1 as a build of shape 2 left it: the same documents without the handling rows
        FiguresStore g1 = new FiguresStore(database, "g1");
        GenerationBuilder.build(log, g1, 2, events -> {
        });
        g1.rows.updateMany(new Document(), new Document("$unset", new Document("h", "")));
        g1.periods.deleteMany(new Document());
        g1.writeSnapshots(List.of("2014-H1"), 2);
        g1.state.updateOne(new Document("_id", "position"), new Document("$set", new Document("shape", 2)));

        Generations target = new Generations(database, log);
        FiguresStore.Snapshot served = target.served().snapshot(H1);
        assertThat(served.byLegalProcess()).as("not of this build's shape").isFalse();
        assertThat(served.counts().byHandling().rows()).isEmpty();

        target.servedInCurrentLayout(); // what the replay's duties and every batch do first
        assertThat(target.served().generation()).isNotEqualTo("g1");
        FiguresStore.Snapshot rebuilt = target.served().snapshot(H1);
        assertThat(rebuilt.byLegalProcess()).isTrue();
        assertThat(rebuilt.counts()).isEqualTo(recount.counts(H1));
        assertThat(rebuilt.counts().byHandling().csv()).endsWith("\nUS,1,1,1,0,0,2,0,0,100.00,0.00\nTOTAL,1,1,1,0,0,2,0,0,100.00,0.00\n");
        target.stop();
    }
}
