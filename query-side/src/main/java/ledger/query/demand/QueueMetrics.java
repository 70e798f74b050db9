package ledger.query.demand;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;
import org.springframework.stereotype.Component;

/**
 * operations.md's {@code ledger_demands_open}, {@code ledger_demands_overdue} and {@code ledger_notices_due}: read
 * when scraped, from the directory's ordered sets (a count kept, moved over what the clock passed since the last
 * scrape); not a number while the directory is first read.
 */
@Component
class QueueMetrics implements MeterBinder {

    private final QueueController queue;

    QueueMetrics(QueueController queue) {
        this.queue = queue;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "ledger.demands.open", "demands waiting for a response (outcome pending)", QueueController::open);
        gauge(registry, "ledger.demands.overdue", "demands waiting for a response past their due date", QueueController::overdue);
        gauge(registry, "ledger.notices.due", "disclosed demands whose user may be and has not been notified", QueueController::noticesDue);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToLongFunction<QueueController> value) {
        Gauge.builder(name, queue, q -> q.ready() ? value.applyAsLong(q) : Double.NaN).description(description)
                .strongReference(true).register(registry);
    }
}
