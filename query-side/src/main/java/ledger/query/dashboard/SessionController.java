package ledger.query.dashboard;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ledger.access.AccessConfiguration;
import ledger.access.Role;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the presented token is, for any valid token: {@code {"actor", "roles"}}. The dashboard asks it once so it
 * offers only what the token's roles allow (the rules table still decides every request). Nothing secret in it:
 * the actor is the token's name (or a JWT's actor), already in every event the token records.
 */
@RestController
class SessionController {

    @GetMapping("/api/session")
    Map<String, Object> session() {
        Set<Role> granted = AccessConfiguration.roles();
        // answered in security.md's order
        List<String> roles = Arrays.stream(Role.values()).filter(granted::contains).map(Role::id).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("actor", AccessConfiguration.actor());
        answer.put("roles", roles);
        return answer;
    }
}
