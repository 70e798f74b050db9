package ledger.query;

import ledger.access.KnownFault;
import ledger.access.RetryLater;
import ledger.eventlog.store.StoreHealth;
import ledger.eventlog.store.StoreRefusal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A request whose write the store refused (its disk full: 507; halted: 503), answered as such with a
 * {@code Retry-After}, and reported to the store's health (readiness, metrics, the probe that notices the end). Nothing
 * of the request was stored, but for an import cut off part-way, which says so.
 */
@Configuration(proxyBeanMethods = false)
class StoreFaults {

    @Bean
    KnownFault storeRefusals(StoreHealth store) {
        return fault -> store.report(fault).map(refusal -> RetryLater.answer(refusal.status(), refusal.title(),
                importing() ? importStopped(refusal) : refusal.detail(), refusal.reason(), refusal.retryAfterSeconds())).orElse(null);
    }

    /** An import stores its bundle in many inserts: one refused leaves those before it stored. */
    private static boolean importing() {
        return org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes request
                && request.getRequest().getRequestURI().startsWith("/api/log/import");
    }

    private static String importStopped(StoreRefusal refusal) {
        return (refusal == StoreRefusal.DISK_FULL ? "the ledger's disk is full" : "the ledger's store stopped taking writes and needs a restart")
                + ": the import stopped part-way; the events it stored before stay in the log (GET /api/log/head says up to where)";
    }
}
