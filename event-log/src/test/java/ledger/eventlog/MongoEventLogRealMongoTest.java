package ledger.eventlog;

/** The event log on a real MongoDB 7 replica set through Testcontainers; skipped, saying why, without Docker. */
class MongoEventLogRealMongoTest extends MongoEventLogContract {
    @Override
    String mongoUri() {
        return TestMongo.realMongo();
    }
}
