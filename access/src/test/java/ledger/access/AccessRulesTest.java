package ledger.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.web.MockHttpServletRequest;

/** The table's decisions on its own: first match wins, nothing for what no rule names, the methods a path is named for. */
class AccessRulesTest {

    private final AccessRules rules = AccessRules.builder()
            .open(HttpMethod.GET, "/actuator/health/**")
            .allowWithParameter(HttpMethod.GET, "/api/statistics/**", "asOf", Role.AUDITOR)
            .allow(HttpMethod.GET, "/api/statistics/**", Role.VIEWER)
            .allow(HttpMethod.POST, "/api/demands", Role.RECORDER)
            .allow(HttpMethod.GET, "/api/demands/{id}", Role.LEGAL)
            .allow(HttpMethod.POST, "/api/demands/*/corrections", Role.LEGAL)
            .build();

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        return request;
    }

    @Test
    void theFirstRuleThatMatchesDecidesAndAGetRuleCoversHead() {
        assertThat(rules.ruleFor(request("GET", "/api/statistics/2011-H1")).orElseThrow().roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.VIEWER);
        MockHttpServletRequest asOf = request("GET", "/api/statistics/2011-H1");
        asOf.setParameter("asOf", "3");
        assertThat(rules.ruleFor(asOf).orElseThrow().roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.AUDITOR);
        assertThat(rules.ruleFor(request("HEAD", "/api/demands/d-1")).orElseThrow().roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.LEGAL);
        assertThat(rules.ruleFor(request("HEAD", "/actuator/health")).orElseThrow().open()).isTrue();
    }

    @Test
    void whatNoRuleNamesHasNoRuleAndItsPathTheMethodsTheRulesName() {
        assertThat(rules.ruleFor(request("DELETE", "/api/demands/d-1"))).isEmpty();
        assertThat(rules.methodsNaming(request("DELETE", "/api/demands/d-1"))).containsExactly(HttpMethod.GET, HttpMethod.HEAD);
        assertThat(rules.ruleFor(request("GET", "/api/demands"))).isEmpty();
        assertThat(rules.methodsNaming(request("GET", "/api/demands"))).containsExactly(HttpMethod.POST);
        assertThat(rules.ruleFor(request("GET", "/api/unnamed"))).isEmpty();
        assertThat(rules.methodsNaming(request("GET", "/api/unnamed"))).isEmpty();
    }

    @Test
    void aRuleWithAParameterNeedsTheRuleWithoutAfterIt() {
        assertThatThrownBy(() -> AccessRules.builder().allowWithParameter(HttpMethod.GET, "/api/x", "asOf", Role.AUDITOR).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without asOf");
        assertThatThrownBy(() -> AccessRules.builder().allow(HttpMethod.GET, "/api/x", Role.VIEWER)
                .allowWithParameter(HttpMethod.GET, "/api/x", "asOf", Role.AUDITOR).build()).isInstanceOf(IllegalStateException.class);
    }
}
