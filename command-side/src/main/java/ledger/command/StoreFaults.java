package ledger.command;

import ledger.access.KnownFault;
import ledger.eventlog.store.StoreHealth;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A command whose write the store refused (its disk full: 507; halted: 503), answered as such with a
 * {@code Retry-After}, and reported to the store's health (readiness, metrics, the probe that notices the end).
 */
@Configuration(proxyBeanMethods = false)
class StoreFaults {

    @Bean
    KnownFault storeRefusals(StoreHealth store) {
        return fault -> store.report(fault).map(refusal -> {
            HttpStatusCode status = HttpStatusCode.valueOf(refusal.status());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, refusal.detail());
            problem.setTitle(refusal.title());
            problem.setProperty("reason", refusal.reason());
            ErrorResponseException answer = new ErrorResponseException(status, problem, null);
            answer.getHeaders().set(HttpHeaders.RETRY_AFTER, Integer.toString(refusal.retryAfterSeconds()));
            return answer;
        }).orElse(null);
    }
}
