package ledger.query;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;
import ledger.access.AccessConfiguration;
import ledger.access.AccessRules;
import ledger.access.Role;
import ledger.eventlog.EventLogConfiguration;
import ledger.eventlog.MongoEventLog;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.http.HttpMethod;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The query side: projects period figures from the event log and answers the statistics API. */
@SpringBootApplication
@EnableScheduling
@Import({EventLogConfiguration.class, AccessConfiguration.class})
public class QuerySide {

    /** Each side reads its own query-side.yml, so both can share a classpath (as the end-to-end tests do). */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(QuerySide.class).properties("spring.config.name=query-side");
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("verify")) { // ./run verify: a bundle checked offline, no ledger needed
            ledger.query.log.BundleVerifier.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"))) { // ./run backup, ./run restore
            ledger.query.backup.BackupTool.main(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // Axon reads this switch from the system properties, not from Spring's environment
        System.setProperty("axoniq.update-checker.disabled", "true");
        application().run(args);
    }

    /**
     * Events come from other processes, so nothing wakes the reader on append: it polls the log's head every
     * {@code ledger.query.poll-millis} (an exact lookup of the next positions).
     */
    @Bean(name = "eventBus")
    @Qualifier("eventStore")
    EmbeddedEventStore eventStore(MongoEventLog eventLog, @Value("${ledger.query.poll-millis:200}") long pollMillis) {
        return EmbeddedEventStore.builder().storageEngine(eventLog).fetchDelay(pollMillis).cleanupDelay(10_000).build();
    }

    /**
     * security.md's roles on the query side. Published reports are public: they are published to be read. The
     * dashboard's page and its script and style are public too; it asks for a token, asks {@code /api/session} (any
     * valid token) for the token's roles and offers only what they allow.
     */
    @Bean
    AccessRules accessRules() {
        Role[] viewers = {Role.VIEWER, Role.PUBLISHER, Role.AUDITOR};
        return AccessRules.builder()
                .open(HttpMethod.GET, "/actuator/health/**")
                .allow(HttpMethod.GET, "/actuator/prometheus", Role.values())
                .open(null, "/v3/api-docs/**")
                .open(HttpMethod.GET, "/v3/api-docs.yaml")
                .open(null, "/swagger-ui/**")
                .open(null, "/swagger-ui.html")
                .open(HttpMethod.GET, "/")
                .open(HttpMethod.GET, "/dashboard/**")
                .open(HttpMethod.GET, "/api/reports/{period}")
                .open(HttpMethod.GET, "/api/reports/{period}/{version}.csv")
                .allowWithParameter(HttpMethod.GET, "/api/statistics/**", "asOf", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/statistics/**", viewers)
                .allow(HttpMethod.GET, "/api/replays/latest", viewers)
                .allow(HttpMethod.POST, "/api/replays", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/audits/**", Role.AUDITOR)
                .allow(HttpMethod.POST, "/api/reports/{period}", Role.PUBLISHER)
                .allow(HttpMethod.GET, "/api/reports/{period}/{version}/verification", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/reports/{period}/{version}/restatement", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/demands", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/demands/{id}", Role.RECORDER, Role.LEGAL, Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/queue", Role.RECORDER, Role.LEGAL, Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/notices-due", Role.LEGAL, Role.AUDITOR)
                .allow(HttpMethod.POST, "/api/log/import")
                .allow(HttpMethod.GET, "/api/backup/records") // admin only: what a backup holds besides the log
                .allow(HttpMethod.POST, "/api/backup/records")
                .allow(HttpMethod.GET, "/api/log/**", Role.AUDITOR)
                .allow(HttpMethod.GET, "/api/session", Role.values())
                .build();
    }

    /**
     * The time the national-security report's delay is judged by (counting rule 17): a bean, so tests can set it
     * to either side of the day a report becomes available.
     */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The token store, its claims owned by this instance: Axon's default owner is the JVM's {@code pid@host}, which
     * two query sides in one JVM (or two containers of one name and pid) would share, and then both would hold the
     * figures' one segment and fold the same events at once.
     */
    @Bean
    TokenStore tokenStore(MongoClient client, MongoDatabase ledgerDatabase, Serializer serializer) {
        return MongoTokenStore.builder()
                .nodeId(ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID())
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(client, ledgerDatabase.getName())
                        .trackingTokensCollectionName("tracking_tokens").build())
                .serializer(serializer)
                .build();
    }
}
