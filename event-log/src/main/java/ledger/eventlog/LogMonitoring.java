package ledger.eventlog;

import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What both sides report of the database and the log (operations.md): MongoDB reachable, for readiness, and the
 * log's head, as a gauge.
 */
@Configuration(proxyBeanMethods = false)
class LogMonitoring {

    /**
     * A ping with a deadline of its own: the client waits up to 30 s to select a server, and a readiness probe
     * should hear DOWN within its own timeout rather than hang. Bean named as Boot names its MongoDB check
     * ({@code mongo} in the health groups).
     */
    @Bean
    HealthIndicator mongoHealthIndicator(MongoDatabase ledgerDatabase,
                                         @Value("${ledger.mongodb.ping-timeout-millis:2000}") long timeoutMillis) {
        MongoDatabase pinged = ledgerDatabase.withTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        Document ping = new Document("ping", 1);
        return () -> {
            try {
                pinged.runCommand(ping);
                return Health.up().build();
            } catch (RuntimeException e) {
                return Health.down(e).build();
            }
        };
    }

    @Bean
    LogHead logHead(MongoEventLog log) {
        return new LogHead(log);
    }

    /** {@code ledger_log_head_position}: the position of the log's last event. */
    @Bean
    MeterBinder logHeadGauge(LogHead head) {
        return registry -> Gauge.builder("ledger.log.head.position", head::position)
                .description("the position of the last event in the log").register(registry);
    }
}
