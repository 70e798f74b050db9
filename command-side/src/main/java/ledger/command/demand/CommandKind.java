package ledger.command.demand;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The kinds of command (api.md, tracking.md), each with every name it goes by: the path it is posted to, the
 * {@code kind} tag of {@code ledger_commands_total} (operations.md), the {@code op} of an operator's log
 * (fixtures/README.md) and the kind its Idempotency-Key's request hash is written with. The tags and the hash kinds
 * are stored or scraped outside the ledger: never renamed (the hashes of keys already stored depend on them).
 */
public enum CommandKind {

    RECEIVE("", "receive", "receive", "receive"),
    SUBSCRIBER_DISCLOSURE("/subscriber-disclosures", "subscriber-disclosure", "disclose-subscriber", "subscriber-disclosure"),
    CONTENT_DISCLOSURE("/content-disclosures", "content-disclosure", "disclose-content", "content-disclosure"),
    NO_DATA_FOUND("/no-data-found", "no-data-found", "no-data", "no-data-found"),
    REJECTION("/rejection", "rejection", "reject", "rejection"),
    CORRECTION("/corrections", "correction", "correct", "correction"),
    DEADLINE("/deadline", "deadline", "deadline", "deadline"),
    ASSIGNMENT("/assignment", "assignment", "assign", "assignment"),
    NON_DISCLOSURE_ORDER("/non-disclosure-order", "non-disclosure-order", "non-disclosure-order", "non-disclosure-order"),
    USER_NOTICE("/user-notice", "user-notice", "user-notice", "user-notice");

    /** Where every command is posted: a receipt to this, any other kind to a demand under it. */
    static final String DEMANDS = "/api/demands";

    private final String suffix;
    private final String tag;
    private final String op;
    private final String hashed;

    CommandKind(String suffix, String tag, String op, String hashed) {
        this.suffix = suffix;
        this.tag = tag;
        this.op = op;
        this.hashed = hashed;
    }

    /** The path template, as the controller maps it and the API description names it: {@code /api/demands/{id}/...}. */
    public String path() {
        return this == RECEIVE ? DEMANDS : DEMANDS + "/{id}" + suffix;
    }

    /** The path for a demand, its id already a path segment (percent-encoded where it must be). */
    public String pathFor(String demandIdSegment) {
        return this == RECEIVE ? DEMANDS : DEMANDS + "/" + demandIdSegment + suffix;
    }

    /** The {@code kind} tag of {@code ledger_commands_total}. */
    public String tag() {
        return tag;
    }

    /** The {@code op} of an operator's log line. */
    public String op() {
        return op;
    }

    /** The kind a request hash is written with ({@link RequestHash}). */
    String hashed() {
        return hashed;
    }

    public static Optional<CommandKind> ofOp(String op) {
        for (CommandKind kind : values()) {
            if (kind.op.equals(op)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    static Optional<CommandKind> ofPath(String template) {
        return Arrays.stream(values()).filter(k -> k.path().equals(template)).findFirst();
    }

    /** The ops, for a message: {@code receive, disclose-subscriber, ...}. */
    public static String ops() {
        return Arrays.stream(values()).map(CommandKind::op).collect(Collectors.joining(", "));
    }
}
