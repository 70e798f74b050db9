package ledger.command;

import ledger.eventlog.EventLogConfiguration;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The command side: logs demands and their dispositions through the Demand aggregate into the event log. */
@SpringBootApplication
@Import(EventLogConfiguration.class)
public class CommandSide {

    /** Each side reads its own command-side.yml, so both can share a classpath (as the end-to-end tests do). */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(CommandSide.class).properties("spring.config.name=command-side");
    }

    public static void main(String[] args) {
        // Axon reads this switch from the system properties, not from Spring's environment
        System.setProperty("axoniq.update-checker.disabled", "true");
        application().run(args);
    }

    /** Carries a request's Idempotency-Key into its events, so the key is stored in the same insert. */
    @Bean
    CorrelationDataProvider idempotencyKeyCarrier() {
        return new SimpleCorrelationDataProvider("idempotencyKey", "requestHash");
    }
}
