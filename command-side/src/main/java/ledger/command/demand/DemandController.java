package ledger.command.demand;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;
import ledger.events.DemandCommands.AssignDemand;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.DiscloseContent;
import ledger.events.DemandCommands.DiscloseSubscriberData;
import ledger.events.DemandCommands.NotifyUser;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.RecordNoDataFound;
import ledger.events.DemandCommands.RecordNonDisclosureOrder;
import ledger.events.DemandCommands.RejectDemand;
import ledger.events.DemandCommands.SetDeadline;
import ledger.events.LegalProcess;
import ledger.events.RejectionReason;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The command API (api.md, tracking.md): each request becomes one command on one demand ({@link CommandSender}). Answers
 * carry the log position of the stored events, so a client can wait until the query side's figures include them. One
 * handler a kind of command, each only naming its path, its body's fields and the command they make
 * ({@link CommandCounts} counts by handler).
 */
@RestController
@RequestMapping(CommandKind.DEMANDS)
class DemandController {

    static final Pattern DEMAND_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Set<String> RECEIPT = Set.of("demandId", "receivedAt", "jurisdiction", "agency", "legalProcess", "accounts", "dueAt");
    private static final Set<String> DISPOSITION = Set.of("occurredAt");
    private static final Set<String> REJECTION = Set.of("occurredAt", "reason");
    private static final Set<String> CORRECTION = Set.of("receivedAt", "jurisdiction", "agency", "legalProcess", "accounts");
    private static final Set<String> DEADLINE = Set.of("dueAt");
    private static final Set<String> ASSIGNMENT = Set.of("assignee");
    private static final Set<String> ORDER = Set.of("occurredAt", "until");
    /** The header a repeat that stored nothing carries (the name Stripe's API uses for the same purpose). */
    static final String REPLAYED = "Idempotent-Replayed";

    private final CommandSender sender;
    private final Pseudonyms pseudonyms;
    private final ObjectMapper mapper;

    DemandController(CommandSender sender, Pseudonyms pseudonyms, ObjectMapper mapper) {
        this.sender = sender;
        this.pseudonyms = pseudonyms;
        this.mapper = mapper;
    }

    /** A command made of a request's body, for the demand named (the path's, or a receipt's own). */
    @FunctionalInterface
    private interface CommandOf {
        Object command(CommandBody body, String demandId);
    }

    @PostMapping
    void receive(@RequestBody(required = false) String text, @RequestHeader(name = "Idempotency-Key", required = false) String key,
                 HttpServletResponse response) throws IOException {
        answer(CommandKind.RECEIVE, RECEIPT, null, text, key, response, (body, demandId) -> new ReceiveDemand(demandId,
                body.instant("receivedAt"), body.jurisdiction("jurisdiction"), body.text("agency"),
                body.enumValue("legalProcess", LegalProcess.class), body.strings("accounts", pseudonyms::of),
                body.has("dueAt") ? body.instant("dueAt") : null));
    }

    @PostMapping("/{id}/subscriber-disclosures")
    void discloseSubscriberData(@PathVariable("id") String id, @RequestBody(required = false) String text,
                                @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                HttpServletResponse response) throws IOException {
        answer(CommandKind.SUBSCRIBER_DISCLOSURE, DISPOSITION, id, text, key, response,
                (body, demandId) -> new DiscloseSubscriberData(demandId, body.instant("occurredAt")));
    }

    @PostMapping("/{id}/content-disclosures")
    void discloseContent(@PathVariable("id") String id, @RequestBody(required = false) String text,
                         @RequestHeader(name = "Idempotency-Key", required = false) String key,
                         HttpServletResponse response) throws IOException {
        answer(CommandKind.CONTENT_DISCLOSURE, DISPOSITION, id, text, key, response,
                (body, demandId) -> new DiscloseContent(demandId, body.instant("occurredAt")));
    }

    @PostMapping("/{id}/no-data-found")
    void noDataFound(@PathVariable("id") String id, @RequestBody(required = false) String text,
                     @RequestHeader(name = "Idempotency-Key", required = false) String key,
                     HttpServletResponse response) throws IOException {
        answer(CommandKind.NO_DATA_FOUND, DISPOSITION, id, text, key, response,
                (body, demandId) -> new RecordNoDataFound(demandId, body.instant("occurredAt")));
    }

    @PostMapping("/{id}/rejection")
    void reject(@PathVariable("id") String id, @RequestBody(required = false) String text,
                @RequestHeader(name = "Idempotency-Key", required = false) String key,
                HttpServletResponse response) throws IOException {
        answer(CommandKind.REJECTION, REJECTION, id, text, key, response, (body, demandId) -> new RejectDemand(demandId,
                body.instant("occurredAt"), body.enumValue("reason", RejectionReason.class)));
    }

    @PostMapping("/{id}/corrections")
    void correct(@PathVariable("id") String id, @RequestBody(required = false) String text,
                 @RequestHeader(name = "Idempotency-Key", required = false) String key,
                 HttpServletResponse response) throws IOException {
        answer(CommandKind.CORRECTION, CORRECTION, id, text, key, response, (body, demandId) -> new CorrectDemand(demandId,
                body.has("receivedAt") ? body.instant("receivedAt") : null,
                body.has("jurisdiction") ? body.jurisdiction("jurisdiction") : null,
                body.has("agency") ? body.text("agency") : null,
                body.has("legalProcess") ? body.enumValue("legalProcess", LegalProcess.class) : null,
                body.has("accounts") ? body.strings("accounts", pseudonyms::of) : null));
    }

    @PostMapping("/{id}/deadline")
    void setDeadline(@PathVariable("id") String id, @RequestBody(required = false) String text,
                     @RequestHeader(name = "Idempotency-Key", required = false) String key,
                     HttpServletResponse response) throws IOException {
        answer(CommandKind.DEADLINE, DEADLINE, id, text, key, response,
                (body, demandId) -> new SetDeadline(demandId, body.instant("dueAt")));
    }

    @PostMapping("/{id}/assignment")
    void assign(@PathVariable("id") String id, @RequestBody(required = false) String text,
                @RequestHeader(name = "Idempotency-Key", required = false) String key,
                HttpServletResponse response) throws IOException {
        answer(CommandKind.ASSIGNMENT, ASSIGNMENT, id, text, key, response,
                (body, demandId) -> new AssignDemand(demandId, body.textOrNull("assignee")));
    }

    @PostMapping("/{id}/non-disclosure-order")
    void recordNonDisclosureOrder(@PathVariable("id") String id, @RequestBody(required = false) String text,
                                  @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                  HttpServletResponse response) throws IOException {
        answer(CommandKind.NON_DISCLOSURE_ORDER, ORDER, id, text, key, response, (body, demandId) -> new RecordNonDisclosureOrder(
                demandId, body.instant("occurredAt"), body.instantOrNull("until")));
    }

    @PostMapping("/{id}/user-notice")
    void notifyUser(@PathVariable("id") String id, @RequestBody(required = false) String text,
                    @RequestHeader(name = "Idempotency-Key", required = false) String key,
                    HttpServletResponse response) throws IOException {
        answer(CommandKind.USER_NOTICE, DISPOSITION, id, text, key, response,
                (body, demandId) -> new NotifyUser(demandId, body.instant("occurredAt")));
    }

    /**
     * Reads the body (only the fields named), then the demand's id (a receipt's from its body, else the path's), then
     * the command's fields: a request wrong in several ways is refused for the first of these.
     */
    private void answer(CommandKind kind, Set<String> fields, String pathId, String text, String key, HttpServletResponse response,
                        CommandOf command) throws IOException {
        CommandBody body = CommandBody.parse(mapper, text, fields);
        String demandId = pathId == null ? demandId(body.text("demandId"), "demandId") : demandId(pathId, "id");
        sender.send(demandId, kind, command.command(body, demandId), key).writeTo(response);
    }

    /**
     * A command's answer: {@code 201}, {@code {"demandId","position"}} and, for a receipt, the demand's
     * {@code Location}. Written straight to the response: Spring's message converters (content negotiation, Jackson
     * for a two-field object) cost more than the rest of answering (docs/benchmarks.md). A repeat that stored nothing
     * (the same Idempotency-Key and body, or a receipt's same body) answers as the first time did, plus
     * {@code Idempotent-Replayed: true}, so a client that resends (an import run again) can tell what it stored.
     */
    record Created(String demandId, long position, boolean receipt, boolean replayed) {

        void writeTo(HttpServletResponse response) throws IOException {
            StringBuilder json = new StringBuilder(48 + demandId.length()).append("{\"demandId\":");
            jsonString(json, demandId).append(",\"position\":").append(position).append('}');
            byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_CREATED);
            if (receipt) {
                response.setHeader(HttpHeaders.LOCATION, URI.create("/api/demands/" + demandId).toASCIIString());
            }
            if (replayed) {
                response.setHeader(REPLAYED, "true");
            }
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }

        /**
         * A JSON string as Jackson's UTF-8 writer writes it (surrogates too are written escaped). A demandId needs
         * no escaping; this only keeps the answer valid JSON whatever it is given.
         */
        static StringBuilder jsonString(StringBuilder json, String text) {
            json.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    case '\b' -> json.append("\\b");
                    case '\f' -> json.append("\\f");
                    default -> {
                        if (c < 0x20 || Character.isSurrogate(c)) {
                            json.append(String.format("\\u%04X", (int) c));
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            return json.append('"');
        }
    }

    private static String demandId(String id, String field) {
        if (!DEMAND_ID.matcher(id).matches()) {
            throw new DemandRefused.InvalidField(field, field + " '" + id + "' must be 1 to 128 letters, digits or . _ : -");
        }
        return id;
    }
}
