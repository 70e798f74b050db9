package ledger.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.TestMongo;
import ledger.events.AccountPseudonym;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.RejectionReason;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;
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
    private MongoEventLog log;

    @BeforeEach
    void connect() {
        uri = TestMongo.embedded();
        client = MongoClients.create(uri);
        log = TestMongo.eventLog(database());
    }

    private com.mongodb.client.MongoDatabase database() {
        return client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
    }

    @AfterEach
    void close() {
        client.close();
    }

    private FiguresStore store(String generation) {
        return new FiguresStore(database(), generation);
    }

    /**
     * A random but reproducible log: receipts (some with a due date), escalations, closings, corrections across rows
     * and periods, and what tracking.md records (deadlines set and moved, orders, notices, owners).
     */
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
                    new Jurisdiction(codes[random.nextInt(codes.length)]), "agency", process(random), accounts,
                    random.nextBoolean() ? null : due(random)));
            open.add(id);
            int steps = random.nextInt(4);
            for (int s = 0; s < steps; s++) {
                String target = open.get(random.nextInt(open.size()));
                // first responses on and around the due dates, hours apart
                Instant at = Instant.parse("2014-07-20T00:00:00Z").plusSeconds(3600L * random.nextInt(6) - random.nextInt(2));
                switch (random.nextInt(11)) {
                    case 0 -> add(events, target, new SubscriberDataDisclosed(target, at));
                    case 1 -> add(events, target, new ContentDisclosed(target, at));
                    case 2 -> add(events, target, new NoDataFound(target, at));
                    case 3 -> add(events, target, new DemandRejected(target, at, RejectionReason.OVERBROAD));
                    case 4 -> add(events, target, new DemandCorrected(target, null, new Jurisdiction(codes[random.nextInt(codes.length)]), null, null, null));
                    // into or out of national security, or to another ordinary process (counting rule 16)
                    case 5 -> add(events, target, new DemandCorrected(target, null, null, null, process(random), null));
                    case 6 -> add(events, target, new DemandCorrected(target, Instant.parse("2014-07-01T00:00:00Z").minusSeconds(random.nextInt(2)),
                            null, null, null, List.of(pseudonym(random.nextInt(demands)))));
                    case 7 -> add(events, target, new DeadlineSet(target, due(random)));
                    case 8 -> add(events, target, new NonDisclosureOrderRecorded(target, at, random.nextBoolean() ? null : at.plusSeconds(86_400)));
                    case 9 -> add(events, target, new UserNotified(target, at));
                    default -> add(events, target, new DemandAssigned(target, random.nextBoolean() ? null : "owner" + random.nextInt(3)));
                }
            }
        }
        return events;
    }

    private static Instant due(Random random) {
        return Instant.parse("2014-07-20T02:00:00Z").plusSeconds(random.nextInt(3) - 1);
    }

    private static LegalProcess process(Random random) {
        return LegalProcess.values()[random.nextInt(LegalProcess.values().length)];
    }

    /** Spread over the accounts documents as keyed hashes are. */
    private static AccountPseudonym pseudonym(int n) {
        try {
            return new AccountPseudonym(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(List<FiguresProjector.Recorded> events, String id, Object event) {
        events.add(new FiguresProjector.Recorded(events.size() + 1, event, id));
    }

    private static Recount recount(List<FiguresProjector.Recorded> events) {
        Recount recount = new Recount();
        events.forEach(r -> recount.apply(r.demandId(), r.event()));
        return recount;
    }

    private void project(FiguresStore store, List<FiguresProjector.Recorded> events, int batch) {
        for (int from = 0; from < events.size(); from += batch) {
            new FiguresProjector(store, log).project(events.subList(from, Math.min(events.size(), from + batch)));
        }
    }

    /** Stores the events in the log, one commit each, so their positions there are theirs. */
    private void append(List<FiguresProjector.Recorded> events) {
        java.util.Map<String, Long> sequences = new java.util.HashMap<>();
        for (FiguresProjector.Recorded r : events) {
            long seq = sequences.merge(r.demandId(), 1L, Long::sum) - 1;
            log.appendEvents(List.of(new org.axonframework.eventhandling.GenericDomainEventMessage<>("Demand", r.demandId(), seq, r.event())));
        }
        assertThat(log.headPosition()).isEqualTo(events.size());
    }

    private static String csv(FiguresStore store, Period period) {
        return store.snapshot(period).figures().csv();
    }

    /** Every count of both periods, so every table, as a recount of the events says. */
    private static void assertEveryTableEqualsARecount(FiguresStore store, List<FiguresProjector.Recorded> events) {
        Recount recount = recount(events);
        for (Period period : List.of(H1, H2)) {
            assertThat(store.snapshot(period).counts()).isEqualTo(recount.counts(period));
            assertThat(store.rows(period)).as("the rows as they stand").isEqualTo(recount.counts(period));
            assertThat(csv(store, period)).isEqualTo(recount.figures(period).csv());
            assertThat(store.snapshot(period).counts().byHandling().csv()).isEqualTo(recount.counts(period).byHandling().csv());
        }
    }

    @Test
    void projectedFiguresEqualARecountOfTheLog() {
        List<FiguresProjector.Recorded> events = log(1, 400);
        FiguresStore store = store("a");
        project(store, events, 37);
        Recount recount = recount(events);
        assertThat(csv(store, H1)).isEqualTo(recount.figures(H1).csv());
        assertThat(csv(store, H2)).isEqualTo(recount.figures(H2).csv());
        long nationalSecurity = 0;
        for (Period period : List.of(H1, H2)) {
            for (var line : recount.counts(period).nationalSecurity().lines()) {
                nationalSecurity += line.requests();
            }
        }
        assertThat(recount.figures(H1).total().requests() + recount.figures(H2).total().requests() + nationalSecurity)
                .as("every demand in one table").isEqualTo(400);
        assertThat(nationalSecurity).isPositive();
        assertThat(store.snapshot(H1).position()).isEqualTo(events.size());
        assertEveryTableEqualsARecount(store, events);
        assertThat(recount.counts(H1).processes()).as("the log has national-security demands")
                .containsKeys(LegalProcess.NATIONAL_SECURITY_LETTER, LegalProcess.FISA_ORDER);
        var handling = recount.counts(H2).byHandling().total();
        assertThat(List.of(handling.onTime(), handling.late(), handling.open(), handling.nonDisclosureOrders(), handling.usersNotified()))
                .as("the log exercises every column of the handling table").allMatch(n -> n > 0);
        assertThat(handling.hours().size()).as("hours to a response of several values").isGreaterThan(3);
    }

    @Test
    void membershipsAreStoredAsOneStringAndReadBack() {
        Document one = new Document("US|SUBPOENA", 1L);
        Document several = new Document("US|SUBPOENA", 2L).append("DE|OTHER", 1L).append("*|FISA_ORDER", 12L);
        assertThat(FiguresStore.storedMemberships(one)).isEqualTo("US|SUBPOENA");
        assertThat(FiguresStore.storedMemberships(several)).isEqualTo("US|SUBPOENA=2;DE|OTHER;*|FISA_ORDER=12");
        assertThat(FiguresStore.memberships(FiguresStore.storedMemberships(one))).isEqualTo(one);
        assertThat(FiguresStore.memberships(FiguresStore.storedMemberships(several))).isEqualTo(several);
        assertThat(FiguresStore.memberships(several)).as("a nested document of an earlier build").isSameAs(several);
        assertThat(FiguresStore.memberships(null)).isNull();
    }

    /**
     * Accounts documents of earlier builds kept a field per pseudonym, its memberships a nested document or a
     * string; folding goes on from them. This build keeps a document's pseudonyms as one string.
     */
    @Test
    void accountsDocumentsOfEarlierBuildsAreFollowedLive() {
        List<FiguresProjector.Recorded> events = log(11, 300);
        FiguresStore store = store("nested");
        int half = events.size() / 2;
        project(store, events.subList(0, half), 29);
        int converted = 0;
        for (Document accounts : store.accounts.find()) {
            assertThat(accounts.get("k")).isInstanceOf(String.class);
            boolean nestedMemberships = converted++ % 2 == 0;
            Document earlier = new Document();
            FiguresStore.pseudonyms(accounts).forEach((pseudonym, stored) ->
                    earlier.put(pseudonym, nestedMemberships ? FiguresStore.memberships(stored) : stored));
            store.accounts.replaceOne(new Document("_id", accounts.get("_id")), accounts.append("k", earlier));
        }
        assertThat(converted).isGreaterThan(10);
        assertThat(store.accounts.find().first().get("k", Document.class).values()).allMatch(Document.class::isInstance);
        project(store, events.subList(half, events.size()), 29);
        assertEveryTableEqualsARecount(store, events);
    }

    @Test
    void aBatchDeliveredAgainChangesNoFigure() {
        List<FiguresProjector.Recorded> events = log(2, 300);
        FiguresStore store = store("b");
        for (int from = 0; from < events.size(); from += 50) {
            List<FiguresProjector.Recorded> batch = events.subList(from, Math.min(events.size(), from + 50));
            new FiguresProjector(store, log).project(batch); // written, then the process dies before the token
            new FiguresProjector(store, log).project(batch); // so the same events come again
        }
        assertEveryTableEqualsARecount(store, events);
    }

    @Test
    void redeliveryWithOtherBatchBoundariesChangesNoFigure() {
        List<FiguresProjector.Recorded> events = log(3, 300);
        FiguresStore store = store("c");
        int from = 0;
        Random random = new Random(3);
        while (from < events.size()) {
            int end = Math.min(events.size(), from + 20 + random.nextInt(60));
            new FiguresProjector(store, log).project(events.subList(from, end));
            // crashed before the token: the redelivery starts at the same event but ends elsewhere
            int shorter = Math.min(end, from + 1 + random.nextInt(end - from));
            new FiguresProjector(store, log).project(events.subList(from, shorter));
            from = shorter;
        }
        assertEveryTableEqualsARecount(store, events);
    }

    @Test
    void aCrashInTheMiddleOfABatchsWritesIsRepairedByItsRedelivery() {
        List<FiguresProjector.Recorded> events = log(4, 300);
        FiguresStore store = store("d");
        project(store, events.subList(0, 200), 50);
        List<FiguresProjector.Recorded> batch = events.subList(200, events.size());
        new FiguresProjector(store, log).project(batch);
        // undo every other write of that batch, as if the process died while the batch was being written
        List<Document> undo = new FiguresProjector(store, log).journalFrom(batch.get(0).position());
        assertThat(undo).isNotEmpty();
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
        // and before the position, which is written last
        store.state.replaceOne(new Document("_id", "position"), new Document("_id", "position").append("position", 200L));
        new FiguresProjector(store, log).project(batch);
        assertEveryTableEqualsARecount(store, events);
    }

    /**
     * A replay builds a generation from the log at once, without demand documents; the live projection then
     * goes on from its position, answering for demands received before it from the log. Redelivered events
     * before the position are left out.
     */
    @Test
    void aGenerationBuiltFromTheLogThenFollowedLiveEqualsARecount() {
        List<FiguresProjector.Recorded> events = log(5, 400);
        append(events);
        int cut = events.size() / 2;
        FiguresStore store = store("e");
        long[] reported = {0};
        GenerationBuilder.build(log, store, cut, events1 -> reported[0] = events1);
        assertThat(reported[0]).isEqualTo(cut);
        assertThat(store.position()).isEqualTo(cut);
        assertThat(store.demands.countDocuments()).as("a built generation holds no demand documents").isZero();
        assertEveryTableEqualsARecount(store, events.subList(0, cut));

        // the processor was behind the build: its next batch reaches back before the position
        project(store, events.subList(cut - 30, events.size()), 41);
        assertEveryTableEqualsARecount(store, events);
        assertThat(store.demands.countDocuments()).isPositive().isLessThan(400);
    }

    @Test
    void aBatchWhoseAccountsDocumentsGrowBeyondOneJournalDocumentIsStillUndone() {
        // a row whose demands name 45,000 accounts: a batch touching all its account documents journals
        // them in several documents
        List<FiguresProjector.Recorded> events = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            List<AccountPseudonym> accounts = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                accounts.add(pseudonym((d % 15) * 3000 + i));
            }
            add(events, "m" + d, new DemandReceived("m" + d, Instant.parse("2014-02-01T00:00:00Z"), new Jurisdiction("US"), "agency",
                    LegalProcess.SUBPOENA, accounts));
        }
        FiguresStore store = store("f");
        project(store, events.subList(0, 15), 15);
        List<FiguresProjector.Recorded> batch = events.subList(15, 30);
        new FiguresProjector(store, log).project(batch);
        assertThat(store.state.countDocuments(new Document("_id", new Document("$in", List.of("journal|0", "journal|1")))))
                .as("the journal is split").isEqualTo(2);
        // the process died before the position: the batch comes again and is undone, then applied
        store.state.replaceOne(new Document("_id", "position"), new Document("_id", "position").append("position", 15L));
        store.rows.updateOne(new Document("_id", "2014-H1|US"), new Document("$inc", new Document("requests", 7)));
        new FiguresProjector(store, log).project(batch);
        assertThat(csv(store, H1)).isEqualTo(recount(events).figures(H1).csv()).contains("US,30,45000,");
    }
}
