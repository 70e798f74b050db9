package ledger.query.demand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import ledger.logbundle.LogRecord;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.RecordedEvent;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.Jurisdiction;
import ledger.events.LegalProcess;
import ledger.query.Problems;
import ledger.query.audit.Periods;
import ledger.query.figures.DemandState;
import ledger.query.figures.Outcome;
import ledger.query.figures.Period;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A demand and its history, and the list of demands (api.md, "A demand and its history"). Counts of accounts
 * only: a pseudonym is never shown, so the answer cannot be used to tell whether an account was named.
 */
@RestController
class DemandController {

    /** The outcome as api.md names it, by the counting rules' precedence. */
    private static final Map<Outcome, String> OUTCOMES = Map.of(Outcome.CONTENT, "content", Outcome.SUBSCRIBER_ONLY,
            "subscriberOnly", Outcome.NO_DATA_FOUND, "noDataFound", Outcome.REJECTED, "rejected", Outcome.PENDING, "pending");
    private static final Set<String> PSEUDONYM_FIELDS = Set.of("accounts");
    /** Fields whose null says something: an owner removed, an order without end. */
    private static final Set<String> KEPT_NULLS = Set.of("assignee", "until");

    private final MongoEventLog log;
    private final DemandDirectory directory;
    private final ObjectMapper mapper;

    DemandController(MongoEventLog log, DemandDirectory directory, ObjectMapper mapper) {
        this.log = log;
        this.directory = directory;
        this.mapper = mapper;
    }

    /** Read from the log itself, so it shows every event of the demand whatever the projection's lag. */
    @GetMapping(path = "/api/demands/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode demand(@PathVariable("id") String id) {
        List<RecordedEvent> events = log.recordedEventsOf(id);
        if (events.isEmpty() || !(events.get(0).event().payload() instanceof DemandReceived)) {
            throw Problems.refused(HttpStatus.NOT_FOUND, "Unknown demand", "no demand '" + id + "' was ever received", "id");
        }
        DemandState state = null;
        Tracking tracking = null;
        String agency = null; // the one value shown that counts nowhere, so DemandState does not keep it
        ArrayNode history = mapper.createArrayNode();
        for (RecordedEvent recorded : events) {
            Object payload = recorded.event().payload();
            state = DemandState.apply(state, payload);
            tracking = Tracking.apply(tracking, payload);
            if (payload instanceof DemandReceived r) {
                agency = r.agency();
            } else if (payload instanceof DemandCorrected c && c.agency() != null) {
                agency = c.agency();
            }
            history.add(entry(recorded));
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.put("demandId", id);
        answer.put("receivedAt", state.receivedAt().toString());
        answer.put("jurisdiction", state.jurisdiction());
        answer.put("agency", agency);
        answer.put("legalProcess", state.legalProcess().name());
        answer.put("accounts", state.accounts().size());
        answer.put("period", state.period().toString());
        answer.put("outcome", OUTCOMES.get(state.outcome()));
        answer.put("dueAt", text(state.dueAt()));
        answer.put("assignee", tracking.assignee());
        if (state.nonDisclosureOrder()) {
            answer.put("nonDisclosureUntil", text(tracking.orderUntil())); // null: indefinite
        }
        answer.put("userNotifiedAt", text(tracking.userNotifiedAt()));
        answer.put("position", events.get(events.size() - 1).event().position());
        answer.set("history", history);
        return answer;
    }

    /** One event as the history shows it: who recorded it and when, and its fields, accounts only counted. */
    private ObjectNode entry(RecordedEvent recorded) {
        ObjectNode entry = mapper.createObjectNode();
        entry.put("position", recorded.event().position());
        entry.put("type", recorded.type().substring(recorded.type().lastIndexOf('.') + 1));
        entry.put("recordedAt", recorded.recordedAt().toString());
        entry.put("actor", LogRecord.actor(recorded.metaDataJson())); // null for events logged before actors were
        JsonNode fields = mapper.valueToTree(recorded.event().payload());
        fields.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (PSEUDONYM_FIELDS.contains(field.getKey())) {
                if (value.isArray()) {
                    entry.put(field.getKey(), distinct(value));
                }
            } else if (value.isObject() && value.size() == 1 && value.has("code")) {
                entry.set(field.getKey(), value.get("code")); // a jurisdiction, as the API spells it
            } else if (!value.isNull() || KEPT_NULLS.contains(field.getKey())) {
                entry.set(field.getKey(), value);
            }
        });
        return entry;
    }

    static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static int distinct(JsonNode accounts) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        accounts.forEach(a -> seen.add(a.toString()));
        return seen.size();
    }

    @GetMapping(path = "/api/demands", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> list(@RequestParam(name = "period", required = false) String period,
                                    @RequestParam(name = "jurisdiction", required = false) String jurisdiction,
                                    @RequestParam(name = "outcome", required = false) String outcome,
                                    @RequestParam(name = "legalProcess", required = false) String legalProcess,
                                    @RequestParam(name = "receivedBefore", required = false) String receivedBefore,
                                    @RequestParam(name = "limit", required = false) String limit,
                                    @RequestParam(name = "after", required = false) String after) {
        // the filters as one predicate: a sparse filter tests every demand of the directory
        Predicate<DemandDirectory.Listed> all = d -> true;
        List<DemandDirectory.Key> keys = new ArrayList<>();
        if (period != null) {
            Period p = Periods.parse(period);
            all = all.and(d -> d.period().equals(p));
            keys.add(DemandDirectory.periodKey(p));
        }
        if (jurisdiction != null) {
            knownJurisdiction(jurisdiction);
            all = all.and(d -> d.jurisdiction().equals(jurisdiction));
            keys.add(DemandDirectory.jurisdictionKey(jurisdiction));
        }
        if (outcome != null) {
            Outcome o = OUTCOMES.entrySet().stream().filter(e -> e.getValue().equals(outcome)).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> invalid("outcome", "outcome must be one of content, subscriberOnly, noDataFound, rejected, pending"));
            all = all.and(d -> d.outcome() == o);
            keys.add(DemandDirectory.outcomeKey(o));
        }
        if (legalProcess != null) {
            LegalProcess lp = parse("legalProcess", legalProcess, "one of " + java.util.Arrays.toString(LegalProcess.values()), LegalProcess::valueOf);
            all = all.and(d -> d.legalProcess().equals(lp.name()));
            keys.add(DemandDirectory.legalProcessKey(lp.name()));
        }
        if (receivedBefore != null) {
            Instant before = parse("receivedBefore", receivedBefore, "an ISO-8601 instant such as 2014-03-02T10:15:00Z", Instant::parse);
            all = all.and(d -> d.receivedAt().isBefore(before));
        }
        int size = limit(limit);
        long position = readPosition(directory);
        ArrayNode page = mapper.createArrayNode();
        String next = null;
        java.util.NavigableSet<String> ids = directory.candidates(keys);
        for (String id : after == null ? ids : ids.tailSet(after, false)) {
            DemandDirectory.Listed d = directory.demands().get(id);
            if (d == null || !all.test(d)) {
                continue;
            }
            if (page.size() == size) {
                next = page.get(size - 1).get("demandId").asText();
                break;
            }
            ObjectNode row = page.addObject();
            row.put("demandId", d.demandId());
            row.put("receivedAt", d.receivedAt().toString());
            row.put("jurisdiction", d.jurisdiction());
            row.put("legalProcess", d.legalProcess());
            row.put("outcome", OUTCOMES.get(d.outcome()));
            row.put("position", d.position());
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.set("demands", page);
        answer.put("next", next);
        return ResponseEntity.ok().header("Ledger-Position", Long.toString(position)).body(answer);
    }

    /** A page's length as api.md has it: 1 to 1000, 100 when not given. */
    static int limit(String limit) {
        int size = 100;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = 0;
            }
            if (size < 1 || size > 1000) {
                throw invalid("limit", "limit must be a whole number from 1 to 1000");
            }
        }
        return size;
    }

    /** The log position the directory reflects, or a 503 while it is first read. */
    static long readPosition(DemandDirectory directory) {
        long position = directory.position();
        if (position < 0) {
            throw Problems.refused(HttpStatus.SERVICE_UNAVAILABLE, "Not ready yet", "the list of demands is being read from the log ("
                    + directory.eventsRead() + " events so far); try again in a few seconds", "position");
        }
        return position;
    }

    static <T> T parse(String field, String text, String expected, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw invalid(field, field + " '" + text + "' must be " + expected);
        }
    }

    /** Refuses a jurisdiction filter that names no ISO 3166-1 alpha-2 code. */
    static void knownJurisdiction(String jurisdiction) {
        if (!Jurisdiction.isKnown(jurisdiction)) {
            throw invalid("jurisdiction", "'" + jurisdiction + "' is not an ISO 3166-1 alpha-2 code in upper case");
        }
    }

    static org.springframework.web.ErrorResponseException invalid(String field, String detail) {
        return Problems.refused(HttpStatus.BAD_REQUEST, "Invalid " + field, detail, field);
    }
}
