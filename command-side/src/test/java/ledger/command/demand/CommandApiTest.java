package ledger.command.demand;

import ledger.eventlog.TestMongo;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The command API on the embedded server (or on MONGODB_URI when it is set). */
class CommandApiTest extends CommandApiContract {

    private static final String URI = TestMongo.embedded();

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("ledger.mongodb.uri", () -> URI);
    }
}
