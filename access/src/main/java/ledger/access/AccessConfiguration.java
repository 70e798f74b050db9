package ledger.access;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Both sides' security (security.md): every request authenticated by a bearer token before anything else
 * looks at it (the ledger's own tokens, or a JWT from the identity provider when one is configured), then
 * allowed by the side's {@link AccessRules}. Stateless: no session, no cookie, nothing remembered between
 * requests but the tokens file.
 */
@Configuration
@EnableWebSecurity
@org.springframework.context.annotation.Import(ErrorAnswers.class)
public class AccessConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AccessConfiguration.class);

    /** The name of whoever makes the current request: a token's name or a JWT's actor. */
    public static String actor() {
        return caller().getName();
    }

    /** The roles of whoever makes the current request. */
    public static Set<Role> roles() {
        return caller().roles();
    }

    private static Authenticated caller() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated() || !(authentication instanceof Authenticated caller)) {
            throw new IllegalStateException("no authenticated caller");
        }
        return caller;
    }

    @Bean(destroyMethod = "close")
    LedgerTokens ledgerTokens(@Value("${ledger.tokens.file:}") String file, @Value("${ledger.tokens.admin-token-file:}") String adminTokenFile,
                              @Value("${DATA_DIR:./data}") String dataDir) {
        // an empty LEDGER_TOKENS_FILE (as docker-compose passes when none is mounted) means the default
        return new LedgerTokens(Path.of(file.isBlank() ? dataDir + "/tokens.json" : file),
                Path.of(adminTokenFile.isBlank() ? dataDir + "/admin.token" : adminTokenFile));
    }

    @Bean
    IdentityProvider identityProvider(@Value("${ledger.jwt.issuer-uri:}") String issuer, @Value("${ledger.jwt.jwk-set-uri:}") String jwkSet,
                                      @Value("${ledger.jwt.audience:}") String audience, @Value("${ledger.jwt.roles-claim:roles}") String rolesClaim) {
        return new IdentityProvider(issuer, jwkSet, audience, rolesClaim);
    }

    @Bean
    AuthenticationManagerResolver<HttpServletRequest> bearerTokens(LedgerTokens tokens, IdentityProvider provider) {
        Optional<JwtDecoder> decoder = provider.decoder();
        JwtAuthenticationProvider jwts = decoder.map(d -> {
            JwtAuthenticationProvider p = new JwtAuthenticationProvider(d);
            p.setJwtAuthenticationConverter(jwt -> new Authenticated(provider.actor(jwt), provider.roles(jwt)));
            return p;
        }).orElse(null);
        AuthenticationManager manager = authentication -> {
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            if (jwts != null && IdentityProvider.looksLikeJwt(token)) {
                try {
                    return jwts.authenticate(authentication);
                } catch (AuthenticationServiceException | JwtDecoderInitializationException e) {
                    // the provider's keys could not be had: nothing is known of the JWT, so it is not refused as invalid
                    throw new ProviderUnavailable(e);
                }
            }
            LedgerTokens.Holder holder = tokens.holderOf(token);
            if (holder == null) {
                throw new InvalidBearerTokenException("unknown or revoked token");
            }
            return new Authenticated(holder.name(), holder.roles());
        };
        return request -> manager;
    }

    /**
     * No Micrometer observation of each security filter, authentication and authorization: they cost more CPU per
     * request than the request's own work (docs/benchmarks.md). Each request is still observed once, as
     * {@code http_server_requests}.
     */
    @Bean
    static org.springframework.security.config.observation.SecurityObservationSettings noSecurityObservations() {
        return org.springframework.security.config.observation.SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain ledgerSecurity(HttpSecurity http, AccessRules rules, AuthenticationManagerResolver<HttpServletRequest> bearerTokens)
            throws Exception {
        DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
        Refusals refusals = new Refusals(rules, resolver);
        AuthorizationManager<RequestAuthorizationContext> decision = (authentication, context) -> {
            HttpServletRequest request = context.getRequest();
            if (request.getDispatcherType() == DispatcherType.ERROR) {
                return new AuthorizationDecision(true); // the answer to a request already decided
            }
            Optional<AccessRules.Rule> rule = rules.ruleFor(request);
            if (rule.isPresent() && rule.get().open()) {
                return new AuthorizationDecision(true);
            }
            Authentication who = authentication.get();
            if (!(who instanceof Authenticated caller)) {
                return new AuthorizationDecision(false);
            }
            // deny by default: a request no rule names is refused to every caller, admin too
            return new AuthorizationDecision(rule.isPresent() && rule.get().roles().stream().anyMatch(caller.roles()::contains));
        };
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .oauth2ResourceServer(o -> o.authenticationManagerResolver(bearerTokens).bearerTokenResolver(resolver)
                        .authenticationEntryPoint(refusals::unauthenticated).accessDeniedHandler(refusals::denied))
                .exceptionHandling(e -> e.authenticationEntryPoint(refusals::unauthenticated).accessDeniedHandler(refusals::denied))
                .authorizeHttpRequests(a -> a.anyRequest().access(decision));
        return http.build();
    }

    /**
     * The side's API description says who may call each operation from the same table that decides it
     * (springdoc applies it to the description when it is first asked for).
     */
    @Bean
    OpenApiCustomizer apiAccess(AccessRules rules, @Value("${spring.application.name}") String application) {
        return ApiDescription.access(rules, application.replace("ledger-", "").replace('-', ' '));
    }

    /** An authenticated caller: its name is the actor of what it does. */
    static final class Authenticated extends AbstractAuthenticationToken {
        private final String name;
        private final Set<Role> roles;

        Authenticated(String name, Set<Role> roles) {
            super(authorities(roles));
            this.name = name;
            this.roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
            setAuthenticated(true);
        }

        private static Collection<GrantedAuthority> authorities(Set<Role> roles) {
            List<GrantedAuthority> list = new ArrayList<>();
            roles.forEach(r -> list.add(r.authority()));
            return list;
        }

        Set<Role> roles() {
            return roles;
        }

        @Override
        public Object getCredentials() {
            return null; // the token is not kept
        }

        @Override
        public Object getPrincipal() {
            return name;
        }

        @Override
        public String getName() {
            return name;
        }
    }

    /**
     * The identity provider's key set could not be fetched. An {@link AuthenticationException}, so it reaches the
     * refusals below (a 503 the caller may retry) rather than Spring's rethrow of service exceptions (a 500).
     */
    static final class ProviderUnavailable extends AuthenticationException {
        ProviderUnavailable(RuntimeException cause) {
            super("the identity provider could not be reached", cause);
        }
    }

    /** The answers to refused requests: problem details, and one WARN per failed authentication. */
    private record Refusals(AccessRules rules, DefaultBearerTokenResolver resolver) {

        void unauthenticated(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
            String presented;
            try {
                presented = resolver.resolve(request);
            } catch (AuthenticationException malformed) {
                presented = malformedBearerToken(request); // not a bearer token's characters, but presented all the same
            }
            if (e instanceof ProviderUnavailable unavailable) {
                LOG.warn("authentication failed: {} {} from {}: the identity provider could not be reached ({})", request.getMethod(),
                        request.getRequestURI(), request.getRemoteAddr(), unavailable.getCause().getMessage());
                response.setHeader(HttpHeaders.RETRY_AFTER, "5");
                write(response, request, HttpStatus.SERVICE_UNAVAILABLE,
                        "the identity provider could not be reached to check this JWT; try again shortly", null, null);
                return;
            }
            String detail;
            if (presented == null) {
                detail = "this request needs a bearer token (Authorization: Bearer <token>)";
            } else {
                detail = "the bearer token is unknown, revoked, expired or not valid here";
                // the token's hash, shortened: enough to tell tokens apart in a log, nothing to use one with
                LOG.warn("authentication failed: {} {} from {}, token sha256 {}...", request.getMethod(), request.getRequestURI(),
                        request.getRemoteAddr(), TokensFile.sha256(presented).substring(0, 8));
            }
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ledger\"");
            write(response, request, HttpStatus.UNAUTHORIZED, detail, null, null);
        }

        /** What follows "Bearer " in an Authorization header the resolver refused as malformed. */
        private static String malformedBearerToken(HttpServletRequest request) {
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            return header != null && header.regionMatches(true, 0, "Bearer", 0, 6) ? header.substring(6).trim() : "";
        }

        void denied(HttpServletRequest request, HttpServletResponse response, Exception e) throws IOException {
            Optional<AccessRules.Rule> rule = rules.ruleFor(request);
            if (rule.isEmpty()) {
                unnamed(request, response);
                return;
            }
            List<String> required = rule.get().roles().stream().map(Role::id).sorted().toList();
            write(response, request, HttpStatus.FORBIDDEN, "this request needs one of the roles " + String.join(", ", required), required, null);
        }

        /** A request no rule names: its path with the methods the rules name for it (405), or a path none names (404). */
        private void unnamed(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Set<HttpMethod> named = rules.methodsNaming(request);
            if (named.isEmpty()) {
                write(response, request, HttpStatus.NOT_FOUND, ErrorAnswers.nothingAt(request.getRequestURI()), null, "path");
                return;
            }
            String allow = String.join(", ", named.stream().map(HttpMethod::name).toList());
            response.setHeader(HttpHeaders.ALLOW, allow);
            write(response, request, HttpStatus.METHOD_NOT_ALLOWED, ErrorAnswers.notAllowed(request.getMethod(), request.getRequestURI(), allow),
                    null, "method");
        }

        /** Through the sides' one writer of problem details, {@code field} and {@code requiredRoles} where given. */
        private static void write(HttpServletResponse response, HttpServletRequest request, HttpStatus status, String detail,
                                  List<String> requiredRoles, String field) throws IOException {
            Map<String, Object> properties = new LinkedHashMap<>();
            if (field != null) {
                properties.put("field", field);
            }
            if (requiredRoles != null) {
                properties.put("requiredRoles", requiredRoles);
            }
            ProblemAnswer.write(response, status.value(), ProblemAnswer.title(status.value()), detail, request.getRequestURI(), properties);
        }
    }

}
