package ledger.command.demand;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code ledger_commands_total{kind, outcome}} (operations.md): every request the command API handled, by the kind
 * of command and how it was answered: {@code created} (a 201, an idempotent repeat's too: it answers as the first
 * time), {@code refused} (another 4xx: the request or the demand's rules at fault, nothing stored), {@code conflict}
 * (a 409) or {@code error} (a 5xx). Requests refused by the access rules (401, 403) never reach a command and are
 * counted only with the HTTP server's metrics. Every counter is registered at start, so counting one is an array
 * lookup and an increment: the command path is CPU-bound.
 */
@Configuration(proxyBeanMethods = false)
class CommandCounts implements WebMvcConfigurer, HandlerInterceptor {

    /** The kinds, as the controller names them (its handler methods in the same order). */
    static final String[] KINDS = {"receive", "subscriber-disclosure", "content-disclosure", "no-data-found", "rejection", "correction",
            "deadline", "assignment", "non-disclosure-order", "user-notice"};
    static final String[] OUTCOMES = {"created", "refused", "conflict", "error"};

    private final Counter[][] counters = new Counter[KINDS.length][OUTCOMES.length];

    CommandCounts(MeterRegistry registry) {
        for (int k = 0; k < KINDS.length; k++) {
            for (int o = 0; o < OUTCOMES.length; o++) {
                counters[k][o] = Counter.builder("ledger.commands").description("commands handled by the command API")
                        .tag("kind", KINDS[k]).tag("outcome", OUTCOMES[o]).register(registry);
            }
        }
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/demands", "/api/demands/**");
    }

    /** After the answer is decided, an exception's problem detail included. */
    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (!(handler instanceof HandlerMethod method) || method.getBeanType() != DemandController.class) {
            return;
        }
        int kind = switch (method.getMethod().getName()) {
            case "receive" -> 0;
            case "discloseSubscriberData" -> 1;
            case "discloseContent" -> 2;
            case "noDataFound" -> 3;
            case "reject" -> 4;
            case "correct" -> 5;
            case "setDeadline" -> 6;
            case "assign" -> 7;
            case "recordNonDisclosureOrder" -> 8;
            case "notifyUser" -> 9;
            default -> -1;
        };
        if (kind < 0) {
            return;
        }
        int status = response.getStatus();
        // an exception no handler answered becomes a 500 after this
        int outcome = ex != null || status >= 500 ? 3 : status == 409 ? 2 : status >= 400 ? 1 : 0;
        counters[kind][outcome].increment();
    }
}
