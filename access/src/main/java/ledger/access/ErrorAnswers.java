package ledger.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every error of both sides answered as an RFC 9457 problem detail (api.md), whoever finds it: Tomcat before any
 * filter ({@link ProblemReportValve}), Spring Security's firewall, a filter (the error path), Spring MVC's own
 * refusals (a method, a media type, a body), or a fault nothing else answered (a {@link KnownFault}, else a 500
 * that says only "internal error" and the id of its one log line). No default body of a framework, no stack trace,
 * no exception's message.
 */
@Configuration(proxyBeanMethods = false)
class ErrorAnswers {

    /**
     * Spring Security's firewall refuses a path with {@code ..}, {@code //}, {@code ;}, an encoded {@code /},
     * {@code \}, {@code .} or {@code %}, a control character, or an unknown method, before authentication: a 400,
     * which says nothing of which paths exist.
     */
    @Bean
    RequestRejectedHandler problemForRejectedRequests() {
        return (request, response, rejected) -> ProblemAnswer.write(response, 400, "Bad Request",
                "the request was refused before it was read: its path holds a sequence the ledger does not accept ('..', '//', ';', "
                        + "an encoded '/', '\\', '.' or '%', or a control character), or its method or a header is not one it accepts",
                null, Map.of("field", "path"));
    }

    /**
     * Tomcat's own error reports (before any filter, or after everything else) as problem details. And a request
     * that says {@code Expect: 100-continue} (curl does, for a body over 1 MiB) hears {@code 100} only once its body
     * is read: a refusal before that (401, 413) comes before the client sends the body.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReportValve() {
        return factory -> {
            factory.addConnectorCustomizers(connector -> connector.setProperty("continueResponseTiming", "onRead"));
            addProblemReportValve(factory);
        };
    }

    private static void addProblemReportValve(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Container host = context.getParent();
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemReportValve());
        });
    }

    /**
     * Tomcat logs a fault that escaped a filter with its message and stack trace; the error path logs it instead,
     * as one line with its id and without the message (which may quote the request).
     */
    @Bean
    SmartInitializingSingleton quietServletFaults(LoggingSystem logging) {
        return () -> logging.setLogLevel("org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]",
                LogLevel.OFF);
    }

    @Bean
    ErrorPath errorPath(ObjectProvider<KnownFault> faults) {
        return new ErrorPath(faults);
    }

    @Bean
    ExceptionAnswers exceptionAnswers() {
        return new ExceptionAnswers();
    }

    @Bean
    LastResort lastResort(ObjectProvider<KnownFault> faults) {
        return new LastResort(faults);
    }

    /**
     * A body larger than {@code ledger.http.max-body-bytes} (1 MiB; a command's body is a few hundred bytes) is
     * refused with a 413, once the caller is authenticated (an unknown caller hears 401 first); paths in
     * {@code ledger.http.unlimited-body-paths} (an imported log bundle) have no limit.
     */
    @Bean
    FilterRegistrationBean<BodyLimit> bodyLimit(@Value("${ledger.http.max-body-bytes:1048576}") long limit,
                                                @Value("${ledger.http.unlimited-body-paths:}") List<String> unlimited) {
        FilterRegistrationBean<BodyLimit> registration = new FilterRegistrationBean<>(new BodyLimit(limit, unlimited));
        registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    @Bean
    WebMvcConfigurer jsonBodies() {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new JsonBodies()).order(1);
            }
        };
    }

    /** The detail of every 404 for a path: no access rule names it, or nothing is mapped to it. */
    static String nothingAt(String path) {
        return "nothing is served at " + path;
    }

    /** The detail of a 405 that knows the methods allowed (its {@code Allow} header). */
    static String notAllowed(String method, String path, String allow) {
        return method + " is not allowed at " + path + "; these are: " + allow;
    }

    /**
     * After every other resolver: a fault a side knows ({@link KnownFault}), a body over the limit, else an internal
     * error, answered 500 with the id of its one log line.
     */
    static final class LastResort implements HandlerExceptionResolver, Ordered {
        private final ObjectProvider<KnownFault> faults;

        LastResort(ObjectProvider<KnownFault> faults) {
            this.faults = faults;
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
            try {
                answer(request, response, ex, faults, request.getRequestURI());
            } catch (IOException e) {
                // the client went away: nothing to answer
            }
            return new ModelAndView();
        }

        static void answer(HttpServletRequest request, HttpServletResponse response, Throwable fault, ObjectProvider<KnownFault> faults,
                           String path) throws IOException {
            if (response.isCommitted()) {
                ProblemAnswer.logInternalError(request, fault); // an answer under way (a stream) cannot turn into a problem
                return;
            }
            BodyLimit.TooLarge tooLarge = BodyLimit.tooLarge(fault);
            if (tooLarge != null) {
                response.reset();
                ProblemAnswer.write(response, BodyLimit.problem(tooLarge.limit));
                return;
            }
            for (KnownFault known : (Iterable<KnownFault>) faults.orderedStream()::iterator) {
                ErrorResponse answer = known.answer(fault);
                if (answer != null) {
                    response.reset();
                    answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
                    ProblemDetail problem = answer.getBody();
                    if (problem.getInstance() == null) {
                        problem.setInstance(java.net.URI.create(path));
                    }
                    ProblemAnswer.write(response, problem);
                    return;
                }
            }
            String id = ProblemAnswer.logInternalError(request, fault);
            response.reset();
            ProblemAnswer.write(response, 500, "Internal Server Error", ProblemAnswer.internalErrorDetail(id), path, Map.of("errorId", id));
        }
    }

    /** Bodies up to a limit: refused by their declared length, or once read past it (a body sent in chunks). */
    static final class BodyLimit extends OncePerRequestFilter {
        private final long limit;
        private final List<String> unlimited;
        private final AntPathMatcher paths = new AntPathMatcher();

        BodyLimit(long limit, List<String> unlimited) {
            this.limit = limit;
            this.unlimited = unlimited.stream().filter(p -> !p.isBlank()).map(String::trim).toList();
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (unlimited.stream().anyMatch(p -> paths.match(p, path))) {
                chain.doFilter(request, response);
                return;
            }
            long length = request.getContentLengthLong();
            if (length > limit) {
                ProblemDetail tooLarge = problem(limit);
                ProblemAnswer.write(response, tooLarge.getStatus(), tooLarge.getTitle(), tooLarge.getDetail(), request.getRequestURI(),
                        tooLarge.getProperties());
                return;
            }
            // with a declared length, Tomcat reads no more than it
            chain.doFilter(length >= 0 ? request : new Limited(request, limit), response);
        }

        static ProblemDetail problem(long limit) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                    "the body is larger than the limit of " + limit + " bytes (" + (limit >= 1 << 20 && limit % (1 << 20) == 0
                            ? limit / (1 << 20) + " MiB" : limit / 1024 + " KiB") + "); nothing was stored");
            problem.setTitle("Content Too Large");
            problem.setProperty("field", "body");
            problem.setProperty("limit", limit);
            return problem;
        }

        static TooLarge tooLarge(Throwable fault) {
            for (Throwable t = fault; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof TooLarge tooLarge) {
                    return tooLarge;
                }
            }
            return null;
        }

        /** Read past the limit. */
        static final class TooLarge extends IOException {
            final long limit;

            TooLarge(long limit) {
                super("the body is larger than " + limit + " bytes");
                this.limit = limit;
            }
        }

        private static final class Limited extends HttpServletRequestWrapper {
            private final long limit;
            private ServletInputStream counted;

            Limited(HttpServletRequest request, long limit) {
                super(request);
                this.limit = limit;
            }

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (counted == null) {
                    ServletInputStream in = super.getInputStream();
                    counted = new ServletInputStream() {
                        private long read;

                        @Override
                        public int read() throws IOException {
                            int b = in.read();
                            if (b >= 0) {
                                count(1);
                            }
                            return b;
                        }

                        @Override
                        public int read(byte[] buffer, int offset, int length) throws IOException {
                            int n = in.read(buffer, offset, length);
                            if (n > 0) {
                                count(n);
                            }
                            return n;
                        }

                        private void count(int n) throws TooLarge {
                            read += n;
                            if (read > limit) {
                                throw new TooLarge(limit);
                            }
                        }

                        @Override
                        public boolean isFinished() {
                            return in.isFinished();
                        }

                        @Override
                        public boolean isReady() {
                            return in.isReady();
                        }

                        @Override
                        public void setReadListener(ReadListener listener) {
                            in.setReadListener(listener);
                        }
                    };
                }
                return counted;
            }

            @Override
            public java.io.BufferedReader getReader() throws IOException {
                return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                        getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding()));
            }
        }
    }

    /**
     * A handler that takes its body as JSON text (a {@code @RequestBody} String or node, with no {@code consumes} of its
     * own: Spring would take any media type for it) takes only {@code application/json} (or a {@code +json} type); a
     * request of another type is refused with a 415 before it is read. A request with no Content-Type is read as JSON.
     */
    static final class JsonBodies implements HandlerInterceptor {
        private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);
        private final Map<Method, Boolean> readsJson = new ConcurrentHashMap<>();

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
            if (!(handler instanceof HandlerMethod method) || !readsJson.computeIfAbsent(method.getMethod(), JsonBodies::readsJsonText)) {
                return true;
            }
            String type = request.getContentType();
            if (type == null) {
                return true;
            }
            MediaType media;
            try {
                media = MediaType.parseMediaType(type);
            } catch (InvalidMediaTypeException e) {
                throw new HttpMediaTypeNotSupportedException(null, JSON, HttpMethod.valueOf(request.getMethod()));
            }
            if (!isJson(media)) {
                throw new HttpMediaTypeNotSupportedException(media, JSON, HttpMethod.valueOf(request.getMethod()));
            }
            return true;
        }

        static boolean isJson(MediaType media) {
            return media.getType().equalsIgnoreCase("application")
                    && (media.getSubtype().equalsIgnoreCase("json") || media.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
        }

        private static boolean readsJsonText(Method method) {
            boolean body = Arrays.stream(method.getParameters()).anyMatch(p -> p.isAnnotationPresent(RequestBody.class)
                    && (p.getType() == String.class || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(p.getType())));
            if (!body) {
                return false;
            }
            RequestMapping onMethod = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
            RequestMapping onType = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), RequestMapping.class);
            return (onMethod == null || onMethod.consumes().length == 0) && (onType == null || onType.consumes().length == 0);
        }
    }
}
