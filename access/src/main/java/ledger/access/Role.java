package ledger.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The roles of security.md; a request's rights are the union of its roles' rights. */
public enum Role {
    RECORDER, LEGAL, VIEWER, PUBLISHER, AUDITOR, ADMIN;

    /** The role's name as tokens files, JWT claims and answers spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    GrantedAuthority authority() {
        return new SimpleGrantedAuthority("ROLE_" + id());
    }

    static Optional<Role> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
    }
}
