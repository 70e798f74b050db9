package ledger.eventlog;

import ledger.logbundle.LogRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.events.SubscriberDataDisclosed;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the event log promises, run against each MongoDB the subclasses name. */
abstract class MongoEventLogContract {

    private MongoClient client;
    private MongoDatabase database;

    abstract String mongoUri();

    @BeforeEach
    void connect() {
        String uri = mongoUri();
        client = MongoClients.create(uri);
        database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
    }

    @AfterEach
    void disconnect() {
        if (client != null) {
            database.drop();
            client.close();
        }
    }

    private MongoEventLog newLog() {
        return TestMongo.eventLog(database);
    }

    private static DomainEventMessage<?> received(String id) {
        return new GenericDomainEventMessage<>("Demand", id, 0, new DemandReceived(id, Instant.parse("2014-03-02T10:15:00Z"),
                new Jurisdiction("US"), "agency", LegalProcess.SUBPOENA, List.of()));
    }

    private static DomainEventMessage<?> disclosed(String id, long seq) {
        return new GenericDomainEventMessage<>("Demand", id, seq, new SubscriberDataDisclosed(id, Instant.parse("2014-03-03T10:15:00Z")));
    }

    private static List<TrackedEventMessage<?>> readAll(MongoEventLog log, TrackingToken from) {
        List<TrackedEventMessage<?>> all = new ArrayList<>();
        log.readEvents(from, false).forEach(all::add);
        return all;
    }

    private static List<Long> positions(List<TrackedEventMessage<?>> events) {
        return events.stream().map(e -> e.trackingToken().position().orElseThrow()).toList();
    }

    @Test
    void positionsAreDenseAndReadInOrder() {
        MongoEventLog log = newLog();
        for (int i = 0; i < 300; i++) {
            log.appendEvents(List.of(received("d" + i)));
        }
        List<TrackedEventMessage<?>> all = readAll(log, null);
        assertThat(positions(all)).hasSize(300).isSorted().startsWith(1L).endsWith(300L);
        assertThat(((DemandReceived) all.get(41).getPayload()).demandId()).isEqualTo("d41");
        assertThat(positions(readAll(log, new GlobalSequenceTrackingToken(250)))).startsWith(251L).hasSize(50);
        assertThat(log.headPosition()).isEqualTo(300);
        assertThat(newLog().headPosition()).as("a fresh instance finds the head").isEqualTo(300);
    }

    @Test
    void aDemandsEventsAreReadBackInSequence() {
        MongoEventLog log = newLog();
        log.appendEvents(List.of(received("a")));
        log.appendEvents(List.of(received("b")));
        for (int seq = 1; seq <= 20; seq++) {
            log.appendEvents(List.of(disclosed("a", seq)));
        }
        List<? extends DomainEventMessage<?>> events = log.readEvents("a", 0).asStream().toList();
        assertThat(events).extracting(DomainEventMessage::getSequenceNumber).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(0, 20).boxed().toList());
        assertThat(log.readEvents("a", 18).asStream().map(DomainEventMessage::getSequenceNumber).toList()).containsExactly(18L, 19L, 20L);
        assertThat(log.lastSequenceNumberFor("a")).contains(20L);
        assertThat(log.readEvents("nobody", 0).hasNext()).isFalse();
    }

    /**
     * A scan asks for no order, so a backend may return commits in any order: here the log's documents are
     * stored again in reverse. Each demand's events still come in sequence order, and only those up to the
     * position.
     */
    @Test
    void aScanDeliversEveryEventUpToAPositionEachDemandInSequence() {
        MongoEventLog log = newLog();
        log.appendEvents(List.of(received("a")));
        log.appendEvents(List.of(received("b")));
        for (int seq = 1; seq <= 5; seq++) {
            log.appendEvents(List.of(disclosed("a", seq)));
        }
        log.appendEvents(List.of(disclosed("b", 1), disclosed("b", 2)));
        log.appendEvents(List.of(disclosed("a", 6)));
        var commits = database.getCollection("event_log");
        List<org.bson.Document> stored = commits.find().into(new ArrayList<>());
        commits.deleteMany(new org.bson.Document());
        for (int i = stored.size() - 1; i >= 0; i--) {
            commits.insertOne(stored.get(i));
        }

        List<LoggedEvent> scanned = new ArrayList<>();
        newLog().scan(9, scanned::add);
        assertThat(scanned).extracting(LoggedEvent::position).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(scanned.stream().filter(e -> e.aggregateId().equals("a")).map(LoggedEvent::sequenceNumber).toList())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(scanned.stream().filter(e -> e.aggregateId().equals("b")).map(LoggedEvent::sequenceNumber).toList())
                .containsExactly(0L, 1L, 2L);
        assertThat(scanned.stream().filter(e -> e.position() == 9).findFirst().orElseThrow().payload())
                .isEqualTo(new SubscriberDataDisclosed("b", Instant.parse("2014-03-03T10:15:00Z")));
        assertThat(scanned.stream().filter(e -> e.position() == 1).findFirst().orElseThrow().payload())
                .isInstanceOf(DemandReceived.class);
        // far from the head the server is asked for the positions up to it only
        scanned.clear();
        newLog().scan(4, scanned::add);
        assertThat(scanned).extracting(LoggedEvent::position).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    }

    @Test
    void aScanGivenUpLeavesNoThreadBehind() {
        MongoEventLog log = newLog();
        for (int i = 0; i < 3000; i++) {
            log.appendEvents(List.of(received("g" + i)));
        }
        assertThatThrownBy(() -> log.scan(3000, e -> {
            if (e.position() > 10) {
                throw new IllegalStateException("enough");
            }
        })).hasMessage("enough");
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("event-log-scan")));
    }

    @Test
    void followingAndADemandsEventsCarryTheirPositions() {
        MongoEventLog log = newLog();
        log.appendEvents(List.of(received("a")));
        for (int i = 0; i < 1500; i++) {
            log.appendEvents(List.of(received("x" + i)));
        }
        log.appendEvents(List.of(disclosed("a", 1), disclosed("a", 2)));
        List<LoggedEvent> followed = new ArrayList<>();
        log.follow(1200, 1502, followed::add);
        assertThat(followed).extracting(LoggedEvent::position)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1201, 1502).boxed().toList());
        assertThat(followed.get(followed.size() - 1).aggregateId()).isEqualTo("a");
        followed.clear();
        log.follow(1500, 2000, followed::add);
        assertThat(followed).extracting(LoggedEvent::position).containsExactly(1501L, 1502L, 1503L);

        assertThat(log.eventsOf("a")).extracting(LoggedEvent::position).containsExactly(1L, 1502L, 1503L);
        assertThat(log.eventsOf("a")).extracting(LoggedEvent::sequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(log.eventsOf("a").get(1).payload()).isInstanceOf(SubscriberDataDisclosed.class);
        assertThat(log.eventsOf("nobody")).isEmpty();
    }

    @Test
    void ofTwoCommitsForTheSameDemandVersionOnlyOneIsStored() {
        MongoEventLog log = newLog();
        log.appendEvents(List.of(received("a")));
        assertThatThrownBy(() -> newLog().appendEvents(List.of(received("a"))))
                .isInstanceOf(AggregateStreamCreationException.class);
        log.appendEvents(List.of(disclosed("a", 1)));
        assertThatThrownBy(() -> newLog().appendEvents(List.of(disclosed("a", 1))))
                .isInstanceOf(ConcurrencyException.class);
        assertThat(positions(readAll(log, null))).containsExactly(1L, 2L);
    }

    @Test
    void aMultiEventCommitIsOneAtomicDocumentWithConsecutivePositions() {
        MongoEventLog log = newLog();
        log.appendEvents(List.of(received("x")));
        log.appendEvents(List.of(received("a"), disclosed("a", 1), disclosed("a", 2)));
        log.appendEvents(List.of(received("y")));
        assertThat(database.getCollection("event_log").countDocuments()).isEqualTo(3);
        List<TrackedEventMessage<?>> all = readAll(log, null);
        assertThat(positions(all)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(positions(readAll(log, new GlobalSequenceTrackingToken(3)))).as("resume inside a commit").containsExactly(4L, 5L);
        assertThat(log.readEvents("a", 0).asStream().count()).isEqualTo(3);
        // the commit conflicts as a whole: none of its events is stored twice
        assertThatThrownBy(() -> newLog().appendEvents(List.of(received("a"), disclosed("a", 1))))
                .isInstanceOf(AggregateStreamCreationException.class);
        assertThat(readAll(log, null)).hasSize(5);
    }

    @Test
    void anIdempotencyKeyIsStoredOnceWithItsCommit() {
        MongoEventLog log = newLog();
        MetaData keyed = MetaData.from(Map.of(MongoEventLog.META_IDEMPOTENCY_KEY, "k-1", MongoEventLog.META_REQUEST_HASH, "h-1"));
        log.appendEvents(List.of(received("a").andMetaData(keyed)));
        assertThatThrownBy(() -> log.appendEvents(List.of(received("b").andMetaData(keyed))))
                .isInstanceOf(MongoEventLog.IdempotencyKeyTaken.class);
        assertThat(readAll(log, null)).hasSize(1);
        assertThat(log.findByIdempotencyKey("k-1")).hasValueSatisfying(c -> {
            assertThat(c.requestHash()).isEqualTo("h-1");
            assertThat(c.aggregateIdentifier()).isEqualTo("a");
            assertThat(c.lastPosition()).isEqualTo(1);
        });
        assertThat(log.findByIdempotencyKey("k-2")).isEmpty();
    }

    /**
     * Two command-side instances: one takes a position and is held back before inserting, while the other
     * appends. The held-back append then lands after them, and a tracking reader that polled all along has
     * delivered every event, in order, skipping none.
     */
    @Test
    void aHeldBackAppendIsNeitherSkippedNorReordered() throws Exception {
        CountDownLatch tookPosition = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        MongoEventLog slow = TestMongo.eventLog(database, builder -> builder.beforeInsert(position -> {
            if (held.compareAndSet(false, true)) {
                tookPosition.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        MongoEventLog fast = newLog();
        MongoEventLog reader = newLog();
        fast.appendEvents(List.of(received("first")));
        CompletableFuture<Void> slowAppend = CompletableFuture.runAsync(() -> slow.appendEvents(List.of(received("held"))));
        assertThat(tookPosition.await(10, TimeUnit.SECONDS)).isTrue();

        List<TrackedEventMessage<?>> delivered = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fast.appendEvents(List.of(received("later" + i)));
            TrackingToken last = delivered.isEmpty() ? null : delivered.get(delivered.size() - 1).trackingToken();
            delivered.addAll(readAll(reader, last));
        }
        release.countDown();
        slowAppend.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            delivered.addAll(readAll(reader, delivered.get(delivered.size() - 1).trackingToken()));
            return delivered.size() == 22;
        });
        assertThat(positions(delivered)).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 22).boxed().toList());
        assertThat(delivered).extracting(e -> ((DemandReceived) e.getPayload()).demandId())
                .contains("held").containsOnlyOnce("held").endsWith("held");
    }

    /**
     * One instance's concurrent appends share inserts: the ones that conflict in the middle of a shared insert
     * get their conflict, every other one is stored, and the log stays dense.
     */
    @Test
    void concurrentAppendsOfOneInstanceShareInsertsAndConflictsFailAlone() throws Exception {
        MongoEventLog log = newLog();
        int threads = 16;
        int perThread = 40;
        java.util.concurrent.ConcurrentLinkedQueue<Long> stored = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        // every other thread also receives demands another thread receives: one of the two wins
                        String id = thread % 2 == 0 ? "t" + thread + "-" + i : "t" + (thread - 1) + "-" + i;
                        try {
                            log.appendEvents(List.of(received(id)));
                            stored.add(log.takeLastAppended().orElseThrow()[0]);
                        } catch (AggregateStreamCreationException e) {
                            conflicts.incrementAndGet();
                        }
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        int demands = threads / 2 * perThread;
        assertThat(conflicts.get()).isEqualTo(threads * perThread - demands);
        assertThat(stored).hasSize(demands).doesNotHaveDuplicates();
        List<TrackedEventMessage<?>> all = readAll(newLog(), null);
        assertThat(positions(all)).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, demands).boxed().toList());
        assertThat(new java.util.TreeSet<>(stored)).containsExactlyElementsOf(positions(all));
    }

    @Test
    void concurrentWritersOnSeveralInstancesKeepTheLogDense() throws Exception {
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            MongoEventLog log = newLog();
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 50; i++) {
                    log.appendEvents(List.of(received("w" + writer + "-" + i)));
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(positions(readAll(newLog(), null))).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
    }

    // ---------------------------------------------------------------- the hash chain (log-bundle.md)

    /** Recomputes the chain from the stored events, as the verification does; answers the hash at the end. */
    private static byte[] verifyChain(MongoEventLog log) {
        byte[][] previous = {LogRecord.ZERO};
        long[] count = {0};
        log.readInOrder(1, log.headPosition(), StoredEvent::record, (e, r) -> {
            assertThat(e.position()).isEqualTo(++count[0]);
            byte[] h = r.hash(previous[0], e.position());
            assertThat(e.hash()).as("the hash stored at %d", e.position()).isEqualTo(h);
            previous[0] = h;
        });
        assertThat(count[0]).isEqualTo(log.headPosition());
        return previous[0];
    }

    private static DomainEventMessage<?> byActor(DomainEventMessage<?> event, String actor) {
        return event.andMetaData(Map.of("actor", actor));
    }

    /**
     * Each event is stored with its hash, chained on from the event before, whichever instance appended that one:
     * instances that lost a race to each other walk over the other's commits and chain on from their hashes.
     */
    @Test
    void everyEventIsStoredWithItsHashChainedOnFromTheOneBefore() throws Exception {
        MongoEventLog first = newLog();
        assertThat(first.storedHashAt(0)).contains(LogRecord.ZERO);
        first.appendEvents(List.of(byActor(received("a"), "intake-desk")));
        first.appendEvents(List.of(received("x"), disclosed("x", 1), disclosed("x", 2)));
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            MongoEventLog log = newLog();
            int writer = w;
            writers.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 40; i++) {
                    log.appendEvents(List.of(byActor(received("c" + writer + "-" + i), "w" + writer)));
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        first.appendEvents(List.of(disclosed("a", 1)));
        byte[] end = verifyChain(newLog());
        assertThat(first.storedHashAt(first.headPosition())).contains(end);
        assertThat(first.headPosition()).isEqualTo(125);
        // the first record as log-bundle.md writes it
        first.readInOrder(1, 1, StoredEvent::record, (e, r) -> assertThat(new String(r.canonical(1), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"actor\":\"intake-desk\",\"demandId\":\"a\",\"payload\":{\"accounts\":[],\"agency\":\"agency\",\"demandId\":\"a\","
                        + "\"jurisdiction\":\"US\",\"legalProcess\":\"SUBPOENA\",\"receivedAt\":\"2014-03-02T10:15:00Z\"},\"position\":1,\"recordedAt\":\"")
                .endsWith("Z\",\"revision\":\"1\",\"sequence\":0,\"type\":\"DemandReceived\"}"));
    }

    /** Takes the hashes out of every stored event, as a log written before the chain existed has none. */
    private void stripHashes(long fromPosition) {
        var commits = database.getCollection("event_log");
        for (org.bson.Document commit : commits.find().into(new ArrayList<>())) {
            long first = ((Number) commit.get("_id")).longValue();
            if (first < fromPosition) {
                continue;
            }
            for (org.bson.Document event : commit.getList("events", org.bson.Document.class)) {
                event.remove("h");
            }
            commits.replaceOne(new org.bson.Document("_id", commit.get("_id")), commit);
        }
        database.getCollection("event_log_meta").deleteOne(new org.bson.Document("_id", "chain"));
    }

    private List<byte[]> storedHashes(MongoEventLog log) {
        List<byte[]> hashes = new ArrayList<>();
        log.readInOrder(1, log.headPosition(), e -> e, (e, same) -> hashes.add(e.hash()));
        return hashes;
    }

    /**
     * A log written before the chain existed gets it at the first start, in position order; two processes starting
     * at once on it both compute the same hashes; later appends chain on.
     */
    @Test
    void aLogWrittenBeforeTheChainGetsItAtTheFirstStart() throws Exception {
        MongoEventLog log = newLog();
        for (int i = 0; i < 300; i++) {
            log.appendEvents(List.of(received("old" + i)));
        }
        log.appendEvents(List.of(disclosed("old7", 1), disclosed("old7", 2)));
        List<byte[]> original = storedHashes(log);
        stripHashes(1);
        assertThat(storedHashes(log)).allMatch(java.util.Objects::isNull);

        MongoEventLog restarted = newLog();
        assertThat(storedHashes(restarted)).containsExactlyElementsOf(original);
        assertThat(database.getCollection("event_log_meta").find(new org.bson.Document("_id", "chain")).first().getBoolean("complete")).isTrue();

        stripHashes(1);
        List<CompletableFuture<MongoEventLog>> both = List.of(CompletableFuture.supplyAsync(this::newLog), CompletableFuture.supplyAsync(this::newLog));
        CompletableFuture.allOf(both.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(storedHashes(log)).containsExactlyElementsOf(original);
        both.get(0).get().appendEvents(List.of(received("new")));
        both.get(1).get().appendEvents(List.of(disclosed("new", 1)));
        verifyChain(log);
    }

    /** A commit stored without hashes after the chain was complete (a process of the old version) gets them from the next appender. */
    @Test
    void anAppenderWalkingOverACommitWithoutHashesStoresThem() {
        MongoEventLog first = newLog();
        MongoEventLog second = newLog();
        for (int i = 0; i < 5; i++) {
            first.appendEvents(List.of(received("e" + i)));
        }
        List<byte[]> original = storedHashes(first);
        var commits = database.getCollection("event_log");
        org.bson.Document last = commits.find(new org.bson.Document("_id", 5L)).first();
        last.getList("events", org.bson.Document.class).get(0).remove("h");
        commits.replaceOne(new org.bson.Document("_id", 5L), last);
        second.appendEvents(List.of(received("e5")));
        assertThat(storedHashes(first).subList(0, 5)).containsExactlyElementsOf(original);
        verifyChain(first);
    }

    /**
     * The ordered read hands on every event in position order whatever order the server returns commits in (here
     * the log stored in reverse, the early ones held back only up to a few), a range starting inside a commit
     * from its position, and stops at a position where no event is.
     */
    @Test
    void anOrderedReadIsInPositionOrderAndFindsAHole() {
        MongoEventLog log = newLog();
        List<DomainEventMessage<?>> batch = new ArrayList<>();
        for (int c = 0; c < 90; c++) {
            batch.clear();
            batch.add(received("r" + c));
            for (int seq = 1; seq < (c % 3 == 0 ? 64 : 50); seq++) {
                batch.add(disclosed("r" + c, seq));
            }
            log.appendEvents(List.copyOf(batch));
        }
        long head = log.headPosition();
        assertThat(head).isGreaterThan(4096);
        byte[] end = verifyChain(log);
        var commits = database.getCollection("event_log");
        List<org.bson.Document> stored = commits.find().into(new ArrayList<>());
        commits.deleteMany(new org.bson.Document());
        for (int i = stored.size() - 1; i >= 0; i--) {
            commits.insertOne(stored.get(i));
        }
        MongoEventLog reversed = TestMongo.eventLog(database, builder -> builder.reorderLimit(5));
        assertThat(verifyChain(reversed)).isEqualTo(end);
        List<Long> positions = new ArrayList<>();
        reversed.readInOrder(100, 130, e -> e, (e, same) -> positions.add(e.position()));
        assertThat(positions).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(100, 130).boxed().toList());
        positions.clear();
        reversed.readInOrder(3000, head, e -> e, (e, same) -> positions.add(e.position()));
        assertThat(positions).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(3000, head).boxed().toList());

        long holeAt = ((Number) stored.get(40).get("_id")).longValue();
        commits.deleteOne(new org.bson.Document("_id", holeAt));
        for (int limit : new int[] {5, 20_000}) {
            MongoEventLog limited = TestMongo.eventLog(database, builder -> builder.reorderLimit(limit));
            positions.clear();
            assertThatThrownBy(() -> limited.readInOrder(1, head, e -> e, (e, same) -> positions.add(e.position())))
                    .isInstanceOfSatisfying(MongoEventLog.LogHole.class, h -> assertThat(h.position()).isEqualTo(holeAt));
            assertThat(positions).containsExactlyElementsOf(java.util.stream.LongStream.range(1, holeAt).boxed().toList());
        }
    }

    @Test
    void tokensAtHeadTailAndTime() {
        MongoEventLog log = newLog();
        assertThat(log.createTailToken()).isNull();
        assertThat(log.createHeadToken()).isNull();
        Instant before = Instant.now();
        log.appendEvents(List.of(received("a")));
        log.appendEvents(List.of(received("b")));
        assertThat(log.createHeadToken()).isEqualTo(new GlobalSequenceTrackingToken(2));
        assertThat(log.createTokenAt(before)).isNull();
        assertThat(log.createTokenAt(Instant.now().plusSeconds(60))).isEqualTo(new GlobalSequenceTrackingToken(2));
    }
}
