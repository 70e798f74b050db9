package ledger.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * JWTs from an identity provider (security.md): accepted when the signature verifies against the provider's
 * keys and exp, nbf, iss (and aud, when an audience is set) hold. The provider's keys are fetched when first
 * needed, so the ledger starts while the provider is down.
 */
record IdentityProvider(String issuer, String jwkSetUri, String audience, String rolesClaim) {

    boolean configured() {
        return !issuer.isBlank() || !jwkSetUri.isBlank();
    }

    Optional<JwtDecoder> decoder() {
        if (!configured()) {
            return Optional.empty();
        }
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(issuer.isBlank() ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(issuer));
        // Spring checks exp only when there is one: a JWT that never expires is not one the ledger accepts
        validators.add(new JwtClaimValidator<java.time.Instant>("exp", java.util.Objects::nonNull));
        if (!audience.isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(audience)));
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
        return Optional.of(new SupplierJwtDecoder(() -> {
            JwtDecoder decoder = jwkSetUri.isBlank() ? JwtDecoders.fromIssuerLocation(issuer) : NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
            if (decoder instanceof NimbusJwtDecoder nimbus) {
                nimbus.setJwtValidator(validator);
            }
            return decoder;
        }));
    }

    /** A compact JWS: three base64url parts. The ledger's own tokens have no dots. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        return first > 0 && token.indexOf('.', first + 1) > first + 1 && token.chars().filter(c -> c == '.').count() == 2;
    }

    String actor(Jwt jwt) {
        String name = jwt.getClaimAsString("preferred_username");
        return name == null || name.isBlank() ? jwt.getSubject() : name;
    }

    /** The strings at the roles claim's dotted path that name a role of the ledger; the rest are ignored. */
    Set<Role> roles(Jwt jwt) {
        Object at = jwt.getClaims();
        for (String step : rolesClaim.split("\\.")) {
            at = at instanceof Map<?, ?> map ? map.get(step) : null;
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (at instanceof Collection<?> values) {
            values.forEach(v -> Role.of(String.valueOf(v)).ifPresent(roles::add));
        } else if (at instanceof String one) {
            for (String v : one.split(" ")) {
                Role.of(v).ifPresent(roles::add);
            }
        }
        return roles;
    }
}
