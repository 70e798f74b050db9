package ledger.command.demand;

import ledger.eventlog.TestMongo;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The command API on a real MongoDB 7 replica set; skipped, saying why, without Docker. */
class CommandApiRealMongoTest extends CommandApiContract {

    private static String uri;

    @BeforeAll
    static void realMongo() {
        uri = TestMongo.realMongo();
    }

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("ledger.mongodb.uri", () -> uri);
    }
}
