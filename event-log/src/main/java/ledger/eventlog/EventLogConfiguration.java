package ledger.eventlog;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsCommandListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;
import java.util.concurrent.TimeUnit;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What both sides share: the MongoDB connection (MONGODB_URI, or the embedded default on MONGO_PORT) and the
 * event log on it, with their health and metrics ({@link LogMonitoring}), and whether the store takes writes
 * ({@link ledger.eventlog.store.StoreHealth}).
 */
@Configuration(proxyBeanMethods = false)
@Import({LogMonitoring.class, ledger.eventlog.store.StoreHealthConfiguration.class})
public class EventLogConfiguration {

    /**
     * Every write is acknowledged only once a majority of the replica set has it in its journal, so no
     * failover can roll back a command that was answered (the embedded server answers a write once it is
     * synced to its file). The query side also reads with read concern {@code majority}, so it never counts an
     * event that a failover could still roll back.
     *
     * <p>The client is wired here, not by Spring Boot's MongoDB auto-configuration, so the driver's metrics that
     * Actuator provides (its commands and its connection pool; {@code management.metrics.mongo.*.enabled}) are
     * attached by hand. Not Boot's customizers: one of them applies {@code spring.data.mongodb.*}, localhost's
     * default port included, over the URI.
     */
    @Bean(destroyMethod = "close")
    MongoClient mongoClient(@Value("${ledger.mongodb.uri}") String uri,
                            @Value("${ledger.mongodb.read-majority:false}") boolean readMajority,
                            ObjectProvider<MongoMetricsCommandListener> commandMetrics,
                            ObjectProvider<MongoMetricsConnectionPoolListener> poolMetrics) {
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(30, TimeUnit.SECONDS))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true));
        if (readMajority) {
            settings.readConcern(ReadConcern.MAJORITY);
        }
        commandMetrics.ifAvailable(settings::addCommandListener);
        poolMetrics.ifAvailable(listener -> settings.applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(listener)));
        return MongoClients.create(settings.build());
    }

    /** Instants as the log writes them, read without the JDK's formatter: {@link CanonicalInstants}. */
    @Bean
    org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer canonicalInstants() {
        return builder -> builder.deserializerByType(java.time.Instant.class, new CanonicalInstants());
    }

    @Bean
    MongoDatabase ledgerDatabase(MongoClient client, @Value("${ledger.mongodb.uri}") String uri) {
        String name = new ConnectionString(uri).getDatabase();
        return client.getDatabase(name == null || name.isBlank() ? "ledger" : name);
    }

    @Bean
    MongoEventLog eventStorageEngine(MongoDatabase ledgerDatabase, Serializer serializer,
                                     @Qualifier("eventSerializer") Serializer eventSerializer) {
        return MongoEventLog.builder()
                .database(ledgerDatabase)
                .snapshotSerializer(serializer)
                .eventSerializer(eventSerializer)
                .build();
    }
}
