package ledger.command.demand;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import ledger.access.AccessConfiguration;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.MongoEventLog.KeyedCommit;
import ledger.events.DemandCommands.AssignDemand;
import ledger.events.DemandCommands.CorrectDemand;
import ledger.events.DemandCommands.DiscloseContent;
import ledger.events.DemandCommands.DiscloseSubscriberData;
import ledger.events.DemandCommands.NotifyUser;
import ledger.events.DemandCommands.ReceiveDemand;
import ledger.events.DemandCommands.ReceiveNewDemand;
import ledger.events.DemandCommands.RecordNoDataFound;
import ledger.events.DemandCommands.RecordNonDisclosureOrder;
import ledger.events.DemandCommands.RejectDemand;
import ledger.events.DemandCommands.SetDeadline;
import ledger.events.LegalProcess;
import ledger.events.RejectionReason;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The command API (api.md, tracking.md): each request becomes one command on one demand. Answers carry the log position
 * of the stored events, so a client can wait until the query side's figures include them.
 */
@RestController
@RequestMapping("/api/demands")
class DemandController {

    static final Pattern DEMAND_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Set<String> RECEIPT = Set.of("demandId", "receivedAt", "jurisdiction", "agency", "legalProcess", "accounts", "dueAt");
    private static final Set<String> DISPOSITION = Set.of("occurredAt");
    private static final Set<String> REJECTION = Set.of("occurredAt", "reason");
    private static final Set<String> CORRECTION = Set.of("receivedAt", "jurisdiction", "agency", "legalProcess", "accounts");
    private static final Set<String> DEADLINE = Set.of("dueAt");
    private static final Set<String> ASSIGNMENT = Set.of("assignee");
    private static final Set<String> ORDER = Set.of("occurredAt", "until");
    /** A concurrent command on the same demand won; the command is re-run against the new state. */
    private static final int ATTEMPTS = 3;
    /** The header a repeat that stored nothing carries (the name Stripe's API uses for the same purpose). */
    static final String REPLAYED = "Idempotent-Replayed";

    private final CommandGateway commands;
    private final MongoEventLog log;
    private final Pseudonyms pseudonyms;
    private final ObjectMapper mapper;

    DemandController(CommandGateway commands, MongoEventLog log, Pseudonyms pseudonyms, ObjectMapper mapper) {
        this.commands = commands;
        this.log = log;
        this.pseudonyms = pseudonyms;
        this.mapper = mapper;
    }

    @PostMapping
    void receive(@org.springframework.web.bind.annotation.RequestBody(required = false) String text,
                 @RequestHeader(name = "Idempotency-Key", required = false) String key,
                 HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, RECEIPT);
        String demandId = demandId(body.text("demandId"), "demandId");
        ReceiveDemand command = new ReceiveDemand(demandId, body.instant("receivedAt"), body.jurisdiction("jurisdiction"),
                body.text("agency"), body.enumValue("legalProcess", LegalProcess.class),
                body.strings("accounts", pseudonyms::of), body.has("dueAt") ? body.instant("dueAt") : null);
        send(demandId, CommandKind.RECEIVE, command, key).writeTo(response);
    }

    @PostMapping("/{id}/subscriber-disclosures")
    void discloseSubscriberData(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, DISPOSITION);
        send(id, CommandKind.SUBSCRIBER_DISCLOSURE, new DiscloseSubscriberData(demandId(id, "id"), body.instant("occurredAt")), key)
                .writeTo(response);
    }

    @PostMapping("/{id}/content-disclosures")
    void discloseContent(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, DISPOSITION);
        send(id, CommandKind.CONTENT_DISCLOSURE, new DiscloseContent(demandId(id, "id"), body.instant("occurredAt")), key).writeTo(response);
    }

    @PostMapping("/{id}/no-data-found")
    void noDataFound(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, DISPOSITION);
        send(id, CommandKind.NO_DATA_FOUND, new RecordNoDataFound(demandId(id, "id"), body.instant("occurredAt")), key).writeTo(response);
    }

    @PostMapping("/{id}/rejection")
    void reject(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, REJECTION);
        send(id, CommandKind.REJECTION, new RejectDemand(demandId(id, "id"), body.instant("occurredAt"),
                body.enumValue("reason", RejectionReason.class)), key).writeTo(response);
    }

    @PostMapping("/{id}/corrections")
    void correct(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, CORRECTION);
        CorrectDemand command = new CorrectDemand(demandId(id, "id"),
                body.has("receivedAt") ? body.instant("receivedAt") : null,
                body.has("jurisdiction") ? body.jurisdiction("jurisdiction") : null,
                body.has("agency") ? body.text("agency") : null,
                body.has("legalProcess") ? body.enumValue("legalProcess", LegalProcess.class) : null,
                body.has("accounts") ? body.strings("accounts", pseudonyms::of) : null);
        send(id, CommandKind.CORRECTION, command, key).writeTo(response);
    }

    @PostMapping("/{id}/deadline")
    void setDeadline(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, DEADLINE);
        send(id, CommandKind.DEADLINE, new SetDeadline(demandId(id, "id"), body.instant("dueAt")), key).writeTo(response);
    }

    @PostMapping("/{id}/assignment")
    void assign(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, ASSIGNMENT);
        send(id, CommandKind.ASSIGNMENT, new AssignDemand(demandId(id, "id"), body.textOrNull("assignee")), key).writeTo(response);
    }

    @PostMapping("/{id}/non-disclosure-order")
    void recordNonDisclosureOrder(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, ORDER);
        send(id, CommandKind.NON_DISCLOSURE_ORDER, new RecordNonDisclosureOrder(demandId(id, "id"), body.instant("occurredAt"),
                body.instantOrNull("until")), key).writeTo(response);
    }

    @PostMapping("/{id}/user-notice")
    void notifyUser(@PathVariable("id") String id,
            @org.springframework.web.bind.annotation.RequestBody(required = false) String text,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletResponse response) throws IOException {
        RequestBody body = RequestBody.parse(mapper, text, DISPOSITION);
        send(id, CommandKind.USER_NOTICE, new NotifyUser(demandId(id, "id"), body.instant("occurredAt")), key).writeTo(response);
    }

    private Created send(String demandId, CommandKind kind, Object command, String key) {
        String requestHash = key == null ? null : RequestHash.of(kind.hashed(), command);
        if (key != null) {
            if (key.isBlank() || key.length() > 200) {
                throw new DemandRefused.InvalidField("Idempotency-Key", "the Idempotency-Key header must be 1 to 200 characters");
            }
        }
        // A key is looked up only when the command does not simply succeed: a first-time command (the usual case, an
        // import's every line) pays no lookup; a repeat either collides on the log's unique key or is refused by the
        // demand as it stands now, and then answers as the first time did.
        try {
            return attempt(demandId, kind, command, key, requestHash);
        } catch (IdempotencyKeyReused | MongoEventLog.IdempotencyKeyTaken e) {
            throw e;
        } catch (RuntimeException refused) {
            if (key != null) {
                Optional<Created> earlier = answerForKey(key, requestHash, kind, command);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            throw refused;
        }
    }

    private Created attempt(String demandId, CommandKind kind, Object command, String key, String requestHash) {
        MetaData metaData = MetaData.with("actor", AccessConfiguration.actor());
        if (key != null) {
            metaData = metaData.and("idempotencyKey", key).and("requestHash", requestHash);
        }
        // A receipt is first sent as the receipt of a new demand, which reads nothing from the log: the common case.
        // A demand received before makes it collide on the log's stream key (or it is refused); then the receipt
        // is sent as it is, judged against the demand as the log has it, exactly as it always was.
        Object sending = command instanceof ReceiveDemand receipt ? ReceiveNewDemand.of(receipt) : command;
        boolean rechecked = false;
        for (int attempt = 1; ; attempt++) {
            log.takeLastAppended();
            try {
                commands.sendAndWait(GenericCommandMessage.asCommandMessage(sending).andMetaData(metaData));
                Optional<long[]> appended = log.takeLastAppended();
                if (appended.isPresent()) {
                    return new Created(demandId, appended.get()[1], kind == CommandKind.RECEIVE, false);
                }
                // an idempotent repeat of a receipt (the same body again) stores nothing
                return new Created(demandId, log.firstPositionOf(demandId).orElse(0L), kind == CommandKind.RECEIVE, true);
            } catch (MongoEventLog.IdempotencyKeyTaken e) {
                return answerForKey(key, requestHash, kind, command).orElseThrow(() -> e);
            } catch (AggregateStreamCreationException | DemandRefused.InvalidField e) {
                if (sending instanceof ReceiveNewDemand) {
                    // received before (the same body again, or another: 409), or refused as new (a receivedAt in the
                    // future, which is a 409 all the same if the demand was received with another body): decided by
                    // the receipt on the demand as the log has it; this was no attempt on a changed demand
                    sending = command;
                    attempt--;
                } else if (e instanceof DemandRefused.InvalidField invalid) {
                    throw invalid;
                } else if (attempt == ATTEMPTS) {
                    throw changedConcurrently(demandId);
                }
            } catch (DemandRefused.Conflict e) {
                // the demand may have come from RecentDemands, stale if another instance wrote since: the refusal
                // rolled back and dropped it, so once more on the demand as the log has it
                if (rechecked) {
                    throw e;
                }
                rechecked = true;
                attempt--;
            } catch (ConcurrencyException e) {
                if (attempt == ATTEMPTS) {
                    throw changedConcurrently(demandId);
                }
            }
        }
    }

    private static DemandRefused.Conflict changedConcurrently(String demandId) {
        return new DemandRefused.Conflict("demandId", "demandId " + demandId + " was changed by concurrent commands; try again");
    }

    private Optional<Created> answerForKey(String key, String requestHash, CommandKind kind, Object command) {
        Optional<KeyedCommit> earlier = log.findByIdempotencyKey(key);
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!RequestHash.sameRequest(earlier.get().requestHash(), requestHash, kind.hashed(), command)) {
            throw new IdempotencyKeyReused(key);
        }
        return Optional.of(new Created(earlier.get().aggregateIdentifier(), earlier.get().lastPosition(), kind == CommandKind.RECEIVE, true));
    }

    /**
     * A command's answer: {@code 201}, {@code {"demandId","position"}} and, for a receipt, the demand's
     * {@code Location}. Written straight to the response: Spring's message converters (content negotiation,
     * Jackson for a two-field object) cost more than the rest of answering. A repeat that stored nothing (the same
     * Idempotency-Key and body, or a receipt's same body) answers as the first time did, plus
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

    /** The same Idempotency-Key with another request: 422. */
    static final class IdempotencyKeyReused extends RuntimeException {
        IdempotencyKeyReused(String key) {
            super("Idempotency-Key '" + key + "' was already used with another request");
        }
    }
}
