package ledger.eventlog;

/** The event log on the embedded server (or on MONGODB_URI when it is set). */
class MongoEventLogTest extends MongoEventLogContract {
    @Override
    String mongoUri() {
        return TestMongo.embedded();
    }
}
