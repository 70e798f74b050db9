package ledger.query.demand;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.NavigableSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The queue and the notices due (tracking.md): views of now, from the directory of demands. Each page is a seek in
 * an ordered set and a walk of about its length; {@code next} is the last row's place, {@code dueAt/demandId}
 * ({@code -} for no due date), so a page follows on from where the last one ended even if that demand moved.
 */
@RestController
class QueueController {

    private final DemandDirectory directory;
    private final ObjectMapper mapper;
    private final Clock clock;

    QueueController(DemandDirectory directory, ObjectMapper mapper, Clock clock) {
        this.directory = directory;
        this.mapper = mapper;
        this.clock = clock;
    }

    @GetMapping(path = "/api/queue", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> queue(@RequestParam(name = "assignee", required = false) String assignee,
                                     @RequestParam(name = "jurisdiction", required = false) String jurisdiction,
                                     @RequestParam(name = "overdue", required = false) String overdue,
                                     @RequestParam(name = "limit", required = false) String limit,
                                     @RequestParam(name = "after", required = false) String after) {
        if (jurisdiction != null) {
            DemandController.knownJurisdiction(jurisdiction);
        }
        if (overdue != null && !overdue.equals("true") && !overdue.equals("false")) {
            throw DemandController.invalid("overdue", "overdue must be true or false");
        }
        boolean onlyOverdue = "true".equals(overdue);
        int size = DemandController.limit(limit);
        Timeline.Slot from = after == null ? null : cursor(after);
        long position = DemandController.readPosition(directory);
        Instant now = clock.instant();
        // the overdue come first
        return page(directory.queueOf(assignee, jurisdiction).slots(), from, size, position, slot -> onlyOverdue && !overdue(slot, now),
                (slot, d) -> slot.equals(d.queueSlot()) && (assignee == null || assignee.equals(d.owner()))
                        && (jurisdiction == null || jurisdiction.equals(d.jurisdiction())),
                (row, slot, d) -> {
                    row.put("demandId", d.demandId());
                    row.put("receivedAt", d.receivedAt().toString());
                    row.put("dueAt", DemandController.text(slot.at()));
                    row.put("assignee", d.tracking().assignee());
                    row.put("jurisdiction", d.jurisdiction());
                    row.put("legalProcess", d.legalProcess());
                    row.put("overdue", overdue(slot, now));
                });
    }

    private static boolean overdue(Timeline.Slot slot, Instant now) {
        return slot.at() != null && slot.at().isBefore(now);
    }

    @GetMapping(path = "/api/notices-due", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ObjectNode> noticesDue(@RequestParam(name = "limit", required = false) String limit,
                                          @RequestParam(name = "after", required = false) String after) {
        int size = DemandController.limit(limit);
        Timeline.Slot from = after == null ? null : cursor(after);
        long position = DemandController.readPosition(directory);
        Instant now = clock.instant();
        // an order still in force: it and all after it are not due yet
        return page(directory.notices().slots(), from, size, position, slot -> slot.at().isAfter(now),
                (slot, d) -> slot.equals(d.noticeSlot()),
                (row, slot, d) -> {
                    row.put("demandId", d.demandId());
                    row.put("noticePossibleSince", slot.at().toString());
                    row.put("nonDisclosureUntil", DemandController.text(d.tracking().orderUntil())); // null: no order (an indefinite one is never due)
                    row.put("assignee", d.tracking().assignee());
                });
    }

    /** A page's row of a demand at its slot. */
    private interface Row {
        void write(ObjectNode row, Timeline.Slot slot, DemandDirectory.Listed demand);
    }

    /**
     * Up to {@code size} rows of the slots after {@code from}, until the first slot {@code end} takes. A slot read
     * is written only if its demand still {@code stands} there: one that moved since is met again at its new place,
     * or left.
     */
    private ResponseEntity<ObjectNode> page(NavigableSet<Timeline.Slot> slots, Timeline.Slot from, int size, long position,
                                            Predicate<Timeline.Slot> end, BiPredicate<Timeline.Slot, DemandDirectory.Listed> stands,
                                            Row write) {
        ArrayNode page = mapper.createArrayNode();
        Timeline.Slot last = null;
        String next = null;
        for (Timeline.Slot slot : from == null ? slots : slots.tailSet(from, false)) {
            if (end.test(slot)) {
                break;
            }
            DemandDirectory.Listed d = directory.demands().get(slot.demandId());
            if (d == null || !stands.test(slot, d)) {
                continue;
            }
            if (page.size() == size) {
                next = cursor(last);
                break;
            }
            write.write(page.addObject(), slot, d);
            last = slot;
        }
        ObjectNode answer = mapper.createObjectNode();
        answer.set("demands", page);
        answer.put("next", next);
        return ResponseEntity.ok().header("Ledger-Position", Long.toString(position)).body(answer);
    }

    /** How many demands wait for a response, how many of them are overdue, how many notices are due: now. */
    long open() {
        return directory.queue().size();
    }

    long overdue() {
        return directory.queue().countBefore(clock.instant());
    }

    long noticesDue() {
        return directory.notices().countBefore(clock.instant().plusNanos(1)); // due from the instant itself
    }

    boolean ready() {
        return directory.position() >= 0;
    }

    static String cursor(Timeline.Slot slot) {
        return (slot.at() == null ? "-" : slot.at().toString()) + "/" + slot.demandId();
    }

    static Timeline.Slot cursor(String after) {
        int slash = after.indexOf('/');
        if (slash < 1 || slash == after.length() - 1) {
            throw DemandController.invalid("after", "after '" + after + "' must be a page's next: dueAt/demandId (- for no date)");
        }
        String at = after.substring(0, slash);
        Instant instant = at.equals("-") ? null : DemandController.parse("after", at, "an ISO-8601 instant or - before the slash", Instant::parse);
        return new Timeline.Slot(instant, after.substring(slash + 1));
    }
}
