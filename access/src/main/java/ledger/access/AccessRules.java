package ledger.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A side's table of who may call what (security.md's roles), first match wins. The same table decides a
 * request and names, in a 403, the roles that would have done; {@code admin} may do everything.
 */
public final class AccessRules {

    /**
     * {@code method} (null: any), {@code pattern} and {@code parameter} (null: none) say in words what
     * {@code matcher} decides, for the API description.
     */
    record Rule(RequestMatcher matcher, HttpMethod method, PathPattern pattern, String parameter, Set<Role> roles, boolean open) {
    }

    private final List<Rule> rules;

    private AccessRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The first rule that matches; none for a path no rule names (any authenticated caller, then a 404). */
    Optional<Rule> ruleFor(HttpServletRequest request) {
        for (Rule rule : rules) {
            if (rule.matcher().matches(request)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
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
            return add(paths.matcher(method, pattern), method, pattern, null, roles);
        }

        /** Only when the request has the query parameter: a narrower right on the same path. */
        public Builder allowWithParameter(HttpMethod method, String pattern, String parameter, Role... roles) {
            RequestMatcher path = paths.matcher(method, pattern);
            return add(request -> path.matches(request) && request.getParameter(parameter) != null, method, pattern, parameter, roles);
        }

        public Builder open(HttpMethod method, String pattern) {
            rules.add(new Rule(method == null ? paths.matcher(pattern) : paths.matcher(method, pattern), method,
                    PathPatternParser.defaultInstance.parse(pattern), null, Set.of(), true));
            return this;
        }

        private Builder add(RequestMatcher matcher, HttpMethod method, String pattern, String parameter, Role... roles) {
            Set<Role> may = EnumSet.of(Role.ADMIN, roles);
            rules.add(new Rule(matcher, method, PathPatternParser.defaultInstance.parse(pattern), parameter, may, false));
            return this;
        }

        public AccessRules build() {
            return new AccessRules(rules);
        }
    }
}
