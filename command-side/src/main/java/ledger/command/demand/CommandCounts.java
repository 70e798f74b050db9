package ledger.command.demand;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code ledger_commands_total{kind, outcome}} (operations.md): every request the command API handled, by the kind
 * of command and how it was answered: {@code created} (a 201, an idempotent repeat's too: it answers as the first
 * time), {@code refused} (another 4xx: the request or the demand's rules at fault, nothing stored), {@code conflict}
 * (a 409) or {@code error} (a 5xx). Requests refused by the access rules (401, 403, or 404 and 405 for what no rule
 * names) never reach a command and are counted only with the HTTP server's metrics. Every counter is registered at
 * start, so counting one is a lookup and an increment: the command path is CPU-bound.
 */
@Configuration(proxyBeanMethods = false)
class CommandCounts implements WebMvcConfigurer, HandlerInterceptor {

    static final String[] OUTCOMES = {"created", "refused", "conflict", "error"};

    /** By {@link CommandKind#ordinal()}, then outcome. */
    private final Counter[][] counters = new Counter[CommandKind.values().length][OUTCOMES.length];
    /** The controller's handler methods by name, each the kind whose path it is mapped to. */
    private final Map<String, CommandKind> handlers = handlers();

    CommandCounts(MeterRegistry registry) {
        for (CommandKind kind : CommandKind.values()) {
            for (int o = 0; o < OUTCOMES.length; o++) {
                counters[kind.ordinal()][o] = Counter.builder("ledger.commands").description("commands handled by the command API")
                        .tag("kind", kind.tag()).tag("outcome", OUTCOMES[o]).register(registry);
            }
        }
    }

    /** Read from the controller's mappings, so a handler and its kind cannot drift apart: one handler per kind. */
    private static Map<String, CommandKind> handlers() {
        String base = AnnotatedElementUtils.findMergedAnnotation(DemandController.class, RequestMapping.class).path()[0];
        Map<String, CommandKind> handlers = new HashMap<>();
        for (Method method : DemandController.class.getDeclaredMethods()) {
            PostMapping post = AnnotatedElementUtils.findMergedAnnotation(method, PostMapping.class);
            if (post == null) {
                continue;
            }
            String path = base + (post.path().length == 0 ? "" : post.path()[0]);
            CommandKind kind = CommandKind.ofPath(path)
                    .orElseThrow(() -> new IllegalStateException("no command kind is posted to " + path + " (" + method.getName() + ")"));
            if (handlers.containsValue(kind)) {
                throw new IllegalStateException("two handlers of " + kind);
            }
            handlers.put(method.getName(), kind);
        }
        if (handlers.size() != CommandKind.values().length) {
            throw new IllegalStateException("command kinds without a handler: " + EnumSet.complementOf(EnumSet.copyOf(handlers.values())));
        }
        return Map.copyOf(handlers);
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
        CommandKind kind = handlers.get(method.getMethod().getName());
        if (kind == null) {
            return;
        }
        int status = response.getStatus();
        // an exception no handler answered becomes a 500 after this
        int outcome = ex != null || status >= 500 ? 3 : status == 409 ? 2 : status >= 400 ? 1 : 0;
        counters[kind.ordinal()][outcome].increment();
    }
}
