package ledger.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * A side's table of who may call what (security.md's roles), first match wins. The same table decides a
 * request and names, in a 403, the roles that would have done; {@code admin} may do everything.
 */
public final class AccessRules {

    record Rule(RequestMatcher matcher, Set<Role> roles, boolean open) {
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

    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private final PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();

        /** {@code pattern} in Spring's PathPattern syntax; the roles that may, {@code admin} added. */
        public Builder allow(HttpMethod method, String pattern, Role... roles) {
            return add(paths.matcher(method, pattern), roles);
        }

        /** Only when the request has the query parameter: a narrower right on the same path. */
        public Builder allowWithParameter(HttpMethod method, String pattern, String parameter, Role... roles) {
            RequestMatcher path = paths.matcher(method, pattern);
            return add(request -> path.matches(request) && request.getParameter(parameter) != null, roles);
        }

        public Builder open(HttpMethod method, String pattern) {
            rules.add(new Rule(method == null ? paths.matcher(pattern) : paths.matcher(method, pattern), Set.of(), true));
            return this;
        }

        private Builder add(RequestMatcher matcher, Role... roles) {
            Set<Role> may = EnumSet.of(Role.ADMIN, roles);
            rules.add(new Rule(matcher, may, false));
            return this;
        }

        public AccessRules build() {
            return new AccessRules(rules);
        }
    }
}
