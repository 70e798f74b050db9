package ledger.acceptance;

import java.util.ArrayList;
import java.util.List;
import ledger.eventlog.TestMongo;

/** The fixtures end to end on the embedded server (or on MONGODB_URI when it is set). */
class FixtureEndToEndTest extends FixtureEndToEndContract {
    @Override
    String mongoUri() {
        return TestMongo.embedded();
    }

    /** The embedded default moved into another embedded one, and into a MongoDB replica set where Docker is. */
    @Override
    List<String> importTargets() {
        List<String> targets = new ArrayList<>(List.of(TestMongo.embedded()));
        if (TestMongo.dockerAvailable()) {
            targets.add(TestMongo.realMongo());
        }
        return targets;
    }
}
