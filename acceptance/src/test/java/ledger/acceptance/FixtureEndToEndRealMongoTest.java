package ledger.acceptance;

import ledger.eventlog.TestMongo;

/** The fixtures end to end on a real MongoDB 7 replica set; skipped, saying why, without Docker. */
class FixtureEndToEndRealMongoTest extends FixtureEndToEndContract {
    @Override
    String mongoUri() {
        return TestMongo.realMongo();
    }
}
