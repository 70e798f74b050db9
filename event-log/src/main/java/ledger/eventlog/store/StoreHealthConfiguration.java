package ledger.eventlog.store;

import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store's health as both sides see it: {@link StoreHealth}, {@code storeWrites} in the readiness group, and its
 * metrics ({@code ledger_store_writable}, {@code ledger_store_write_refusals_total{reason}}).
 */
@Configuration(proxyBeanMethods = false)
public class StoreHealthConfiguration {

    @Bean(destroyMethod = "close")
    StoreHealth storeHealth(MongoDatabase ledgerDatabase, @Value("${spring.application.name:ledger}") String application,
                            @Value("${ledger.store.probe-millis:2000}") long probeMillis) {
        return new StoreHealth(ledgerDatabase, application + "@" + host() + ":" + ProcessHandle.current().pid(),
                Duration.ofMillis(probeMillis));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    /** {@code storeWrites}: DOWN while the store refuses writes, with the reason and since when (details: never shown publicly). */
    @Bean
    HealthIndicator storeWritesHealthIndicator(StoreHealth health) {
        return () -> health.refusal()
                .map(r -> Health.down().withDetail("reason", r.reason()).withDetail("since", health.refusedSince().map(Object::toString).orElse("")))
                .orElseGet(Health::up).build();
    }

    @Bean
    MeterBinder storeHealthMetrics(StoreHealth health) {
        return health::bindTo;
    }
}
