package ledger.command;

import ledger.access.AccessConfiguration;
import ledger.access.AccessRules;
import ledger.access.Role;
import ledger.access.TokenTool;
import ledger.command.importing.LogImport;
import ledger.eventlog.EventLogConfiguration;
import org.springframework.http.HttpMethod;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The command side: logs demands and their dispositions through the Demand aggregate into the event log. */
@SpringBootApplication
@Import({EventLogConfiguration.class, AccessConfiguration.class})
public class CommandSide {

    /** Each side reads its own command-side.yml, so both can share a classpath (as the end-to-end tests do). */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(CommandSide.class).properties("spring.config.name=command-side");
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("token")) { // ./run token: no ledger needed
            TokenTool.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("import")) { // ./run import: a client of a running ledger, no Spring
            LogImport.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // Axon reads this switch from the system properties, not from Spring's environment
        System.setProperty("axoniq.update-checker.disabled", "true");
        application().run(args);
    }

    /**
     * Carries a request's actor and Idempotency-Key into its events, so both are stored in the same insert as
     * the event.
     */
    @Bean
    CorrelationDataProvider actorAndIdempotencyKeyCarrier() {
        return new SimpleCorrelationDataProvider("actor", "idempotencyKey", "requestHash");
    }

    /** security.md's roles on the command side. */
    @Bean
    AccessRules accessRules() {
        return AccessRules.builder()
                .open(HttpMethod.GET, "/actuator/health/**")
                .allow(HttpMethod.GET, "/actuator/prometheus", Role.values())
                .open(null, "/v3/api-docs/**")
                .open(HttpMethod.GET, "/v3/api-docs.yaml")
                .open(null, "/swagger-ui/**")
                .open(null, "/swagger-ui.html")
                // a demand's own path: every method answers 405 with an empty Allow (DemandLocation), whoever asks
                .allow(null, "/api/demands/{id}", Role.values())
                .allow(HttpMethod.POST, "/api/demands/*/corrections", Role.LEGAL)
                .allow(HttpMethod.POST, "/api/demands", Role.RECORDER, Role.LEGAL)
                .allow(HttpMethod.POST, "/api/demands/*/{disposition:subscriber-disclosures|content-disclosures|no-data-found|rejection}",
                        Role.RECORDER, Role.LEGAL)
                // tracking.md: deadlines and owners for whoever logs demands; orders and notices for legal only
                .allow(HttpMethod.POST, "/api/demands/*/{tracking:deadline|assignment}", Role.RECORDER, Role.LEGAL)
                .allow(HttpMethod.POST, "/api/demands/*/{legal:non-disclosure-order|user-notice}", Role.LEGAL)
                .build();
    }
}
