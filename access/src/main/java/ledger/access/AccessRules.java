package ledger.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A side's table of who may call what (security.md's roles), first match wins. The same table decides a
 * request and names, in a 403, the roles that would have done; {@code admin} may do everything a rule names. A request
 * no rule names is refused to every caller (deny by default), so an endpoint added later is not exposed by omission:
 * a 405 where the rules name its path for other methods, else a 404. A rule for GET covers HEAD too.
 */
public final class AccessRules {

    /**
     * {@code method} (null: any), {@code pattern} and {@code parameter} (null: none) say in words what
     * {@code matcher} decides, for the API description.
     */
    record Rule(RequestMatcher matcher, RequestMatcher path, HttpMethod method, PathPattern pattern, String parameter, Set<Role> roles,
                boolean open) {
    }

    private final List<Rule> rules;

    private AccessRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first rule that matches; none for a request no rule names (refused to every caller). */
    Optional<Rule> ruleFor(HttpServletRequest request) {
        for (Rule rule : rules) {
            if (rule.matcher().matches(request)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** The methods the rules name for the request's path, whatever its own method: for an {@code Allow} header. */
    Set<HttpMethod> methodsNaming(HttpServletRequest request) {
        Set<HttpMethod> methods = new TreeSet<>(Comparator.comparing(HttpMethod::name));
        for (Rule rule : rules) {
            if (rule.method() != null && rule.path().matches(request)) {
                methods.add(rule.method());
                if (rule.method().equals(HttpMethod.GET)) {
                    methods.add(HttpMethod.HEAD);
                }
            }
        }
        return methods;
    }

    /**
     * The rules that apply to an operation of the API description, a path template such as
     * {@code /api/demands/{id}} (its placeholders match as any segment would): those that apply only with a query
     * parameter, then the one that applies without (none: any authenticated caller).
     */
    List<Rule> rulesFor(HttpMethod method, String template) {
        PathContainer path = PathContainer.parsePath(template);
        List<Rule> applying = new ArrayList<>();
        for (Rule rule : rules) {
            if ((rule.method() == null || rule.method().equals(method)) && rule.pattern().matches(path)) {
                applying.add(rule);
                if (rule.parameter() == null) {
                    break;
                }
            }
        }
        return applying;
    }

    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private final PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();

        /** {@code pattern} in Spring's PathPattern syntax; the roles that may, {@code admin} added. */
        public Builder allow(HttpMethod method, String pattern, Role... roles) {
            return add(matcher(method, pattern), method, pattern, null, roles);
        }

        /** Only when the request has the query parameter: a narrower right on the same path. */
        public Builder allowWithParameter(HttpMethod method, String pattern, String parameter, Role... roles) {
            RequestMatcher path = matcher(method, pattern);
            return add(request -> path.matches(request) && request.getParameter(parameter) != null, method, pattern, parameter, roles);
        }

        public Builder open(HttpMethod method, String pattern) {
            rules.add(new Rule(matcher(method, pattern), paths.matcher(pattern), method,
                    PathPatternParser.defaultInstance.parse(pattern), null, Set.of(), true));
            return this;
        }

        /** Null: any method; GET: HEAD too (Spring answers a HEAD as the GET it stands for). */
        private RequestMatcher matcher(HttpMethod method, String pattern) {
            if (method == null) {
                return paths.matcher(pattern);
            }
            RequestMatcher matcher = paths.matcher(method, pattern);
            return method.equals(HttpMethod.GET) ? new OrRequestMatcher(matcher, paths.matcher(HttpMethod.HEAD, pattern)) : matcher;
        }

        private Builder add(RequestMatcher matcher, HttpMethod method, String pattern, String parameter, Role... roles) {
            Set<Role> may = EnumSet.of(Role.ADMIN, roles);
            rules.add(new Rule(matcher, paths.matcher(pattern), method, PathPatternParser.defaultInstance.parse(pattern), parameter, may, false));
            return this;
        }

        /** A rule with a parameter only narrows one without, which must follow it: else a request without would be refused. */
        public AccessRules build() {
            for (int i = 0; i < rules.size(); i++) {
                Rule narrow = rules.get(i);
                if (narrow.parameter() != null && rules.subList(i + 1, rules.size()).stream().noneMatch(r -> r.parameter() == null
                        && Objects.equals(r.method(), narrow.method()) && r.pattern().equals(narrow.pattern()))) {
                    throw new IllegalStateException("no rule for " + narrow.method() + " " + narrow.pattern() + " without " + narrow.parameter());
                }
            }
            return new AccessRules(rules);
        }
    }
}
