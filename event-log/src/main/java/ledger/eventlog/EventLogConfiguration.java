package ledger.eventlog;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.util.concurrent.TimeUnit;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What both sides share: the MongoDB connection (MONGODB_URI, or the embedded default on MONGO_PORT) and the
 * event log on it.
 */
@Configuration(proxyBeanMethods = false)
public class EventLogConfiguration {

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(@Value("${ledger.mongodb.uri}") String uri) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(30, TimeUnit.SECONDS))
                .build());
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
