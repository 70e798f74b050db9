package ledger.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ledger.eventlog.TestMongo;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import ledger.query.audit.Recount;
import ledger.query.figures.Period;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The projection is idempotent without transactions: batches delivered again, with other boundaries, or after
 * a crash in the middle of their writes never change a figure.
 */
class FiguresProjectorTest {

    private static final Period H1 = Period.parse("2014-H1");
    private static final Period H2 = Period.parse("2014-H2");
    private MongoClient client;
    private String uri;

    @BeforeEach
    void connect() {
        uri = TestMongo.embedded();
        client = MongoClients.create(uri);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private FiguresStore store(String generation) {
        return new FiguresStore(client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase()), generation);
    }

    /** A random but reproducible log: receipts, escalations, closings, corrections across rows and periods. */
    static List<FiguresProjector.Recorded> log(long seed, int demands) {
        Random random = new Random(seed);
        String[] codes = {"US", "GB", "DE", "FR", "AQ"};
        List<FiguresProjector.Recorded> events = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (int i = 0; i < demands; i++) {
            String id = "d" + i;
            List<AccountPseudonym> accounts = new ArrayList<>();
            for (int a = random.nextInt(3); a >= 0; a--) {
                accounts.add(pseudonym(random.nextInt(demands)));
            }
            add(events, id, new DemandReceived(id, Instant.parse("2014-06-30T23:59:59Z").plusSeconds(random.nextInt(3) - 1),
                    new Jurisdiction(codes[random.nextInt(codes.length)]), "agency", LegalProcess.SUBPOENA, accounts));
            open.add(id);
            int steps = random.nextInt(4);
            for (int s = 0; s < steps; s++) {
                String target = open.get(random.nextInt(open.size()));
                Instant at = Instant.parse("2014-08-01T00:00:00Z");
                switch (random.nextInt(6)) {
                    case 0 -> add(events, target, new SubscriberDataDisclosed(target, at));
                    case 1 -> add(events, target, new ContentDisclosed(target, at));
                    case 2 -> add(events, target, new NoDataFound(target, at));
                    case 3 -> add(events, target, new DemandRejected(target, at, RejectionReason.OVERBROAD));
                    case 4 -> add(events, target, new DemandCorrected(target, null, new Jurisdiction(codes[random.nextInt(codes.length)]), null, null, null));
                    default -> add(events, target, new DemandCorrected(target, Instant.parse("2014-07-01T00:00:00Z").minusSeconds(random.nextInt(2)),
                            null, null, null, List.of(pseudonym(random.nextInt(demands)))));
                }
            }
        }
        return events;
    }

    private static AccountPseudonym pseudonym(int n) {
        return new AccountPseudonym(String.format("%064x", n));
    }

    private static void add(List<FiguresProjector.Recorded> events, String id, Object event) {
        events.add(new FiguresProjector.Recorded(events.size() + 1, event, id));
    }

    private static Recount recount(List<FiguresProjector.Recorded> events) {
        Recount recount = new Recount();
        events.forEach(r -> recount.apply(r.demandId(), r.event()));
        return recount;
    }

    private static void project(FiguresStore store, List<FiguresProjector.Recorded> events, int batch) {
        for (int from = 0; from < events.size(); from += batch) {
            new FiguresProjector(store).project(events.subList(from, Math.min(events.size(), from + batch)));
        }
    }

    private static String csv(FiguresStore store, Period period) {
        return store.figures(period).figures().csv();
    }

    @Test
    void projectedFiguresEqualARecountOfTheLog() {
        List<FiguresProjector.Recorded> events = log(1, 400);
        FiguresStore store = store("a");
        project(store, events, 37);
        Recount recount = recount(events);
        assertThat(csv(store, H1)).isEqualTo(recount.figures(H1).csv());
        assertThat(csv(store, H2)).isEqualTo(recount.figures(H2).csv());
        assertThat(recount.figures(H1).total().requests() + recount.figures(H2).total().requests()).isEqualTo(400);
        assertThat(store.figures(H1).position()).isEqualTo(events.size());
    }

    @Test
    void aBatchDeliveredAgainChangesNoFigure() {
        List<FiguresProjector.Recorded> events = log(2, 300);
        FiguresStore store = store("b");
        for (int from = 0; from < events.size(); from += 50) {
            List<FiguresProjector.Recorded> batch = events.subList(from, Math.min(events.size(), from + 50));
            new FiguresProjector(store).project(batch); // written, then the process dies before the token
            new FiguresProjector(store).project(batch); // so the same events come again
        }
        assertThat(csv(store, H1)).isEqualTo(recount(events).figures(H1).csv());
        assertThat(csv(store, H2)).isEqualTo(recount(events).figures(H2).csv());
    }

    @Test
    void redeliveryWithOtherBatchBoundariesChangesNoFigure() {
        List<FiguresProjector.Recorded> events = log(3, 300);
        FiguresStore store = store("c");
        int from = 0;
        Random random = new Random(3);
        while (from < events.size()) {
            int end = Math.min(events.size(), from + 20 + random.nextInt(60));
            new FiguresProjector(store).project(events.subList(from, end));
            // crashed before the token: the redelivery starts at the same event but ends elsewhere
            int shorter = Math.min(end, from + 1 + random.nextInt(end - from));
            new FiguresProjector(store).project(events.subList(from, shorter));
            from = shorter;
        }
        assertThat(csv(store, H1)).isEqualTo(recount(events).figures(H1).csv());
        assertThat(csv(store, H2)).isEqualTo(recount(events).figures(H2).csv());
    }

    @Test
    void aCrashInTheMiddleOfABatchsWritesIsRepairedByItsRedelivery() {
        List<FiguresProjector.Recorded> events = log(4, 300);
        FiguresStore store = store("d");
        project(store, events.subList(0, 200), 50);
        List<FiguresProjector.Recorded> batch = events.subList(200, events.size());
        new FiguresProjector(store).project(batch);
        // undo every other write of that batch, as if the process died while the batch was being written
        Document journal = store.state.find(new Document("_id", "journal")).first();
        List<Document> undo = journal.getList("undo", Document.class);
        for (int i = 0; i < undo.size(); i += 2) {
            Document image = undo.get(i);
            Document before = image.get("before", Document.class);
            if (before == null) {
                store.collection(image.getString("c")).deleteOne(new Document("_id", image.getString("id")));
            } else {
                store.collection(image.getString("c")).replaceOne(new Document("_id", image.getString("id")), before,
                        new ReplaceOptions().upsert(true));
            }
        }
        new FiguresProjector(store).project(batch);
        assertThat(csv(store, H1)).isEqualTo(recount(events).figures(H1).csv());
        assertThat(csv(store, H2)).isEqualTo(recount(events).figures(H2).csv());
    }
}
