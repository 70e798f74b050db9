package ledger.query;

import ledger.eventlog.TestMongo;

/** The fixtures end to end on the embedded server (or on MONGODB_URI when it is set). */
class FixtureEndToEndTest extends FixtureEndToEndContract {
    @Override
    String mongoUri() {
        return TestMongo.embedded();
    }
}
