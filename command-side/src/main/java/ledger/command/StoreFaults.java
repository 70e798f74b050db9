package ledger.command;

import ledger.access.KnownFault;
import ledger.access.RetryLater;
import ledger.eventlog.store.StoreHealth;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A command whose write the store refused (its disk full: 507; halted: 503), answered as such with a
 * {@code Retry-After}, and reported to the store's health (readiness, metrics, the probe that notices the end).
 */
@Configuration(proxyBeanMethods = false)
class StoreFaults {

    @Bean
    KnownFault storeRefusals(StoreHealth store) {
        return fault -> store.report(fault).map(refusal -> RetryLater.answer(refusal.status(), refusal.title(),
                refusal.detail(), refusal.reason(), refusal.retryAfterSeconds())).orElse(null);
    }
}
