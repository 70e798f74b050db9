package ledger.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import ledger.eventlog.TestMongo;
import ledger.query.projection.FiguresProjection;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Replays rebuild the figures from the first event into a fresh generation and switch atomically: the digest
 * stays the same, a second request while one runs is refused, a query side stopped mid-replay finishes it
 * when it starts again, and two instances on one MongoDB rebuild once and both serve the rebuilt figures.
 */
class ReplayTest {

    private static void load(RunningLedger ledger, int demands) {
        load(ledger, "rp-", demands);
    }

    private static void load(RunningLedger ledger, String prefix, int demands) {
        long last = 0;
        for (int i = 0; i < demands; i++) {
            String id = prefix + i;
            RunningLedger.Answer a = ledger.post("/api/demands", "{\"demandId\":\"" + id + "\",\"receivedAt\":\"2013-0"
                    + (1 + i % 9) + "-02T00:00:00Z\",\"jurisdiction\":\"" + (i % 3 == 0 ? "US" : "NL")
                    + "\",\"agency\":\"x\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"acct" + (i % 50) + "\"]}");
            assertThat(a.status()).isEqualTo(201);
            if (i % 4 != 0) {
                a = ledger.post("/api/demands/" + id + (i % 4 == 1 ? "/subscriber-disclosures" : "/no-data-found"),
                        "{\"occurredAt\":\"2014-01-01T00:00:00Z\"}");
                assertThat(a.status()).isEqualTo(201);
            }
            last = a.json().get("position").asLong();
        }
        long position = last;
        for (String period : List.of("2013-H1", "2013-H2")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.getQuery("/api/statistics/" + period).json().get("position").asLong() >= position);
        }
    }

    private static RunningLedger.Answer requestReplay(String queries, RunningLedger ledger) {
        return ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/replays")).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static JsonNode awaitFinished(RunningLedger ledger, String queries, int number) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            JsonNode latest = ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/replays/latest")).GET().build()).json();
            return latest.get("number").asInt() == number && "FINISHED".equals(latest.get("state").asText());
        });
        return ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/replays/latest")).GET().build()).json();
    }

    @Test
    void replaysKeepTheDigestsAndResumeAfterAStop() throws Exception {
        try (RunningLedger ledger = new RunningLedger(TestMongo.embedded(), "--ledger.query.batch-size=10",
                // slow enough to be caught in the middle
                "--ledger.query.replay.max-events-per-second=400")) {
            load(ledger, 600);
            String h1 = ledger.getQuery("/api/statistics/2013-H1.csv").body();
            String h2 = ledger.getQuery("/api/statistics/2013-H2.csv").body();
            assertThat(h1).contains("NL,").contains("US,");
            RunningLedger.Answer none = ledger.getQuery("/api/replays/latest");
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.json().get("title").asText()).as("a problem detail").isEqualTo("No replay yet");

            for (int round = 1; round <= 2; round++) {
                RunningLedger.Answer accepted = requestReplay(ledger.queries, ledger);
                assertThat(accepted.status()).isEqualTo(202);
                JsonNode finished = awaitFinished(ledger, ledger.queries, round);
                assertThat(finished.get("processed").asLong()).isGreaterThanOrEqualTo(1050);
                assertThat(finished.get("startedAt").asText()).isNotBlank();
                assertThat(finished.get("finishedAt").asText()).isNotBlank();
                await().atMost(Duration.ofSeconds(5)).until(() -> ledger.getQuery("/api/statistics/2013-H1.csv").body().equals(h1));
                assertThat(ledger.getQuery("/api/statistics/2013-H2.csv").body()).isEqualTo(h2);
            }

            // a replay stopped in the middle (the query side goes away) finishes when a query side starts again
            assertThat(requestReplay(ledger.queries, ledger).status()).isEqualTo(202);
            assertThat(requestReplay(ledger.queries, ledger).status()).as("one replay at a time").isEqualTo(409);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
                JsonNode latest = ledger.getQuery("/api/replays/latest").json();
                return "RUNNING".equals(latest.get("state").asText()) && latest.get("processed").asLong() > 0;
            });
            ledger.querySide.close();
            ConfigurableApplicationContext restarted = RunningLedger.startQuerySide(List.of("--server.port=0",
                    "--ledger.mongodb.uri=" + ledger.querySide.getEnvironment().getProperty("ledger.mongodb.uri"),
                    "--spring.jmx.enabled=false", "--ledger.query.batch-size=10"));
            try {
                String queries = "http://127.0.0.1:" + restarted.getEnvironment().getProperty("local.server.port");
                awaitFinished(ledger, queries, 3);
                await().atMost(Duration.ofSeconds(5)).until(() -> ledger.send(HttpRequest.newBuilder(
                        URI.create(queries + "/api/statistics/2013-H1.csv")).GET().build()).body().equals(h1));
                assertThat(ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/statistics/2013-H2.csv")).GET().build()).body())
                        .isEqualTo(h2);
            } finally {
                restarted.close();
            }
        }
    }

    @Test
    void twoInstancesRebuildOnceAndBothServeTheRebuiltFigures() throws Exception {
        String uri = TestMongo.embedded();
        try (RunningLedger ledger = new RunningLedger(uri, "--ledger.query.replay.max-events-per-second=1000");
             com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(uri)) {
            com.mongodb.client.MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
            load(ledger, "a-", 300);
            ConfigurableApplicationContext other = RunningLedger.startQuerySide(List.of("--server.port=0", "--ledger.mongodb.uri=" + uri,
                    "--spring.jmx.enabled=false", "--ledger.query.replay.max-events-per-second=1000"));
            try {
                String otherQueries = "http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port");
                assertThat(requestReplay(otherQueries, ledger).status()).isEqualTo(202);
                assertThat(requestReplay(ledger.queries, ledger).status()).as("one replay at a time, across instances").isEqualTo(409);
                // demands keep coming while the replay runs; the served figures follow them
                load(ledger, "b-", 100);
                awaitFinished(ledger, otherQueries, 1);
                assertThat(database.listCollectionNames().into(new java.util.ArrayList<>()))
                        .anyMatch(name -> name.startsWith("figures_r1"));
                // the old generation is dropped a few seconds after the switch: both instances serve the new one
                await().atMost(Duration.ofSeconds(30)).until(() -> database.listCollectionNames().into(new java.util.ArrayList<>())
                        .stream().noneMatch(name -> name.startsWith("figures_g1_")));
                for (String period : List.of("2013-H1", "2013-H2")) {
                    String mine = ledger.getQuery("/api/statistics/" + period + ".csv").body();
                    String theirs = ledger.send(HttpRequest.newBuilder(URI.create(otherQueries + "/api/statistics/" + period + ".csv")).GET().build()).body();
                    assertThat(theirs).isEqualTo(mine).contains("US,").contains("NL,");
                    JsonNode audit = ledger.send(HttpRequest.newBuilder(URI.create(otherQueries + "/api/audits/" + period)).GET().build()).json();
                    assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
                }
                long requests = 0;
                for (String period : List.of("2013-H1", "2013-H2")) {
                    requests += ledger.getQuery("/api/statistics/" + period).json().get("total").get("requests").asLong();
                }
                assertThat(requests).as("every demand, those logged during the replay too").isEqualTo(400);
            } finally {
                other.close();
            }
        }
    }

    /**
     * Two query sides in one JVM (as in these tests) are two owners of the figures' one segment: while one holds it
     * the other stands by, so no event is folded by both at once (Axon's default owner, the JVM's name, would let
     * the second take the segment the first still folds into).
     */
    @Test
    void twoInstancesInOneProcessNeverHoldTheSegmentBothAtOnce() {
        String uri = TestMongo.embedded();
        try (RunningLedger ledger = new RunningLedger(uri)) {
            load(ledger, "s-", 20);
            ConfigurableApplicationContext other = RunningLedger.startQuerySide(List.of("--server.port=0", "--ledger.mongodb.uri=" + uri,
                    "--spring.jmx.enabled=false"));
            try {
                List<PooledStreamingEventProcessor> processors = List.of(ledger.querySide, other).stream()
                        .map(side -> side.getBean(EventProcessingConfiguration.class)
                                .eventProcessor(FiguresProjection.PROCESSOR, PooledStreamingEventProcessor.class).orElseThrow())
                        .toList();
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> processors.stream()
                        .filter(processor -> !processor.processingStatus().isEmpty()).count() <= 1);
                load(ledger, "t-", 20);
                assertThat(processors.stream().filter(processor -> !processor.processingStatus().isEmpty()).count())
                        .as("one holder of the segment").isEqualTo(1);
            } finally {
                other.close();
            }
        }
    }

    /**
     * Resetting the figures processor's token (as Axon's tooling does) asks for a replay, and the events it
     * delivers again are not counted twice by the served figures.
     */
    @Test
    void resettingTheProcessorAsksForAReplayAndCountsNothingTwice() {
        try (RunningLedger ledger = new RunningLedger(TestMongo.embedded(), "--ledger.query.batch-size=50")) {
            load(ledger, "z-", 200);
            String h1 = ledger.getQuery("/api/statistics/2013-H1.csv").body();
            String h2 = ledger.getQuery("/api/statistics/2013-H2.csv").body();
            long head = ledger.getQuery("/api/statistics/2013-H1").json().get("position").asLong();
            PooledStreamingEventProcessor processor = ledger.querySide.getBean(EventProcessingConfiguration.class)
                    .eventProcessor(FiguresProjection.PROCESSOR, PooledStreamingEventProcessor.class).orElseThrow();
            processor.shutDown();
            processor.resetTokens();
            processor.start();
            assertThat(awaitFinished(ledger, ledger.queries, 1).get("processed").asLong()).isGreaterThanOrEqualTo(head);
            // the processor has gone through the whole log again
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.processingStatus().values().stream()
                    .anyMatch(status -> status.getCurrentPosition().orElse(0) >= head));
            assertThat(ledger.getQuery("/api/statistics/2013-H1.csv").body()).isEqualTo(h1);
            assertThat(ledger.getQuery("/api/statistics/2013-H2.csv").body()).isEqualTo(h2);
        }
    }

    /** A query side new to an existing log (its figures far behind) rebuilds them by a replay by itself. */
    @Test
    void aQuerySideFarBehindTheLogRebuildsItsFiguresByAReplay() throws Exception {
        String uri = TestMongo.embedded();
        try (RunningLedger ledger = new RunningLedger(uri);
             com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(uri)) {
            load(ledger, "f-", 1000);
            String h1 = ledger.getQuery("/api/statistics/2013-H1.csv").body();
            String h2 = ledger.getQuery("/api/statistics/2013-H2.csv").body();
            ledger.querySide.close();
            // a new query-side deployment: nothing of the old one's projection is left
            com.mongodb.client.MongoDatabase database = client.getDatabase(new com.mongodb.ConnectionString(uri).getDatabase());
            for (String name : database.listCollectionNames().into(new java.util.ArrayList<>())) {
                if (name.startsWith("figures_") || name.equals("tracking_tokens")) {
                    database.getCollection(name).drop();
                }
            }
            // one event per batch: the live projection alone would take many seconds to catch up
            ConfigurableApplicationContext fresh = RunningLedger.startQuerySide(List.of("--server.port=0", "--ledger.mongodb.uri=" + uri,
                    "--spring.jmx.enabled=false", "--ledger.query.batch-size=1", "--ledger.query.replay.when-behind-by=500"));
            try {
                String queries = "http://127.0.0.1:" + fresh.getEnvironment().getProperty("local.server.port");
                JsonNode finished = awaitFinished(ledger, queries, 1);
                assertThat(finished.get("processed").asLong()).isGreaterThanOrEqualTo(1500);
                assertThat(ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/statistics/2013-H1.csv")).GET().build()).body())
                        .isEqualTo(h1);
                assertThat(ledger.send(HttpRequest.newBuilder(URI.create(queries + "/api/statistics/2013-H2.csv")).GET().build()).body())
                        .isEqualTo(h2);
            } finally {
                fresh.close();
            }
        }
    }

    /**
     * A processor that stalls past its claim's timeout finds its segment taken over by another instance. Until it
     * learns so it still runs its batch: the batch must then write nothing, or the new owner folds the same
     * events a second time (once seen under a loaded machine, one demand counted twice).
     */
    @Test
    void aBatchIsNotWrittenOnceAnotherInstanceHoldsTheSegment() {
        String uri = TestMongo.embedded();
        try (RunningLedger ledger = new RunningLedger(uri);
             com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(uri)) {
            load(ledger, "c-", 20);
            String before = ledger.getQuery("/api/statistics/2013-H1.csv").body();
            com.mongodb.client.MongoCollection<org.bson.Document> tokens = client
                    .getDatabase(new com.mongodb.ConnectionString(uri).getDatabase()).getCollection("tracking_tokens");
            org.bson.Document segment = new org.bson.Document("processorName", FiguresProjection.PROCESSOR).append("segment", 0);
            // what a second instance does when this one's claim has timed out
            assertThat(tokens.updateOne(segment, new org.bson.Document("$set", new org.bson.Document("owner", "another-instance")
                    .append("timestamp", System.currentTimeMillis() + 600_000))).getMatchedCount()).isEqualTo(1);
            long position = 0;
            for (int i = 0; i < 10; i++) {
                position = ledger.post("/api/demands", "{\"demandId\":\"d-" + i + "\",\"receivedAt\":\"2013-03-02T00:00:00Z\","
                        + "\"jurisdiction\":\"DE\",\"agency\":\"x\",\"legalProcess\":\"SEARCH_WARRANT\",\"accounts\":[\"z" + i + "\"]}")
                        .json().get("position").asLong();
            }
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> ledger.getQuery("/api/statistics/2013-H1.csv").body().equals(before));
            // the other instance goes away: this one claims the segment again and folds the events once
            tokens.updateOne(segment, new org.bson.Document("$set", new org.bson.Document("owner", null).append("timestamp", 0L)));
            long last = position;
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.getQuery("/api/statistics/2013-H1").json().get("position").asLong() >= last);
            assertThat(ledger.getQuery("/api/statistics/2013-H1.csv").body()).contains("DE,10,10,");
            JsonNode audit = ledger.getQuery("/api/audits/2013-H1").json();
            assertThat(audit.get("matches").asBoolean()).as(audit.toString()).isTrue();
        }
    }
}
