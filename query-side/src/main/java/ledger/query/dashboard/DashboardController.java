package ledger.query.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's page at {@code /} (operations.md): plain HTML, its script and style served from this jar
 * ({@code /dashboard/**}), public like them; the page asks for a token and calls the API with it. Its
 * Content-Security-Policy lets the page load and call nothing but this origin: no request leaves the ledger.
 */
@RestController
class DashboardController {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final byte[] page;

    DashboardController() {
        try (InputStream in = new ClassPathResource("dashboard/index.html").getInputStream()) {
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the dashboard's page is missing from the jar", e);
        }
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<byte[]> page() {
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", POLICY)
                .header("Referrer-Policy", "no-referrer")
                .body(page);
    }
}
