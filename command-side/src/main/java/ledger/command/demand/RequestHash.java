package ledger.command.demand;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import ledger.events.AccountPseudonym;
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

/**
 * What an Idempotency-Key's request is remembered by: the SHA-256 (hex) of the command written out field by field,
 * {@code {"kind":..,"demandId":..,...}} in a fixed order with {@code null} fields left out, so that a component added
 * to a command later, absent from a request, leaves its hash as it was. Keys stored by earlier builds hold the hash
 * of {@code kind + "\n" + the command record's toString()} as it then was; {@link #sameRequest} honours those too.
 */
final class RequestHash {

    private RequestHash() {
    }

    static String of(String kind, Object command) {
        return sha256(form(kind, command));
    }

    /** Whether a stored hash is that of this request: in this form, or in the form earlier builds stored. */
    static boolean sameRequest(String stored, String hash, String kind, Object command) {
        if (stored == null) {
            return false;
        }
        if (stored.equals(hash)) {
            return true;
        }
        String earlier = earlierForm(kind, command);
        return earlier != null && stored.equals(sha256(earlier));
    }

    /** The command written out field by field. */
    static String form(String kind, Object command) {
        Fields f = new Fields().add("kind", kind);
        if (command instanceof ReceiveDemand c) {
            f.add("demandId", c.demandId()).add("receivedAt", c.receivedAt()).add("jurisdiction", c.jurisdiction())
                    .add("agency", c.agency()).add("legalProcess", c.legalProcess()).add("accounts", c.accounts())
                    .add("dueAt", c.dueAt());
        } else if (command instanceof DiscloseSubscriberData c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt());
        } else if (command instanceof DiscloseContent c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt());
        } else if (command instanceof RecordNoDataFound c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt());
        } else if (command instanceof RejectDemand c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt()).add("reason", c.reason());
        } else if (command instanceof CorrectDemand c) {
            f.add("demandId", c.demandId()).add("receivedAt", c.receivedAt()).add("jurisdiction", c.jurisdiction())
                    .add("agency", c.agency()).add("legalProcess", c.legalProcess()).add("accounts", c.accounts());
        } else if (command instanceof SetDeadline c) {
            f.add("demandId", c.demandId()).add("dueAt", c.dueAt());
        } else if (command instanceof AssignDemand c) {
            f.add("demandId", c.demandId()).add("assignee", c.assignee());
        } else if (command instanceof RecordNonDisclosureOrder c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt()).add("until", c.until());
        } else if (command instanceof NotifyUser c) {
            f.add("demandId", c.demandId()).add("occurredAt", c.occurredAt());
        } else {
            throw new IllegalArgumentException("no request form for " + command.getClass().getName());
        }
        return f.end();
    }

    /**
     * The form earlier builds hashed: the kind, a line end, and the record's toString() as the six commands then had
     * it (a receipt had no due date). {@code null} for a command no earlier build had.
     */
    static String earlierForm(String kind, Object command) {
        StringBuilder s = new StringBuilder(kind).append('\n');
        if (command instanceof ReceiveDemand c) {
            if (c.dueAt() != null) {
                return null;
            }
            s.append("ReceiveDemand[demandId=").append(c.demandId()).append(", receivedAt=").append(c.receivedAt())
                    .append(", jurisdiction=").append(c.jurisdiction()).append(", agency=").append(c.agency())
                    .append(", legalProcess=").append(c.legalProcess()).append(", accounts=").append(accounts(c.accounts()));
        } else if (command instanceof DiscloseSubscriberData c) {
            s.append("DiscloseSubscriberData[demandId=").append(c.demandId()).append(", occurredAt=").append(c.occurredAt());
        } else if (command instanceof DiscloseContent c) {
            s.append("DiscloseContent[demandId=").append(c.demandId()).append(", occurredAt=").append(c.occurredAt());
        } else if (command instanceof RecordNoDataFound c) {
            s.append("RecordNoDataFound[demandId=").append(c.demandId()).append(", occurredAt=").append(c.occurredAt());
        } else if (command instanceof RejectDemand c) {
            s.append("RejectDemand[demandId=").append(c.demandId()).append(", occurredAt=").append(c.occurredAt())
                    .append(", reason=").append(c.reason());
        } else if (command instanceof CorrectDemand c) {
            s.append("CorrectDemand[demandId=").append(c.demandId()).append(", receivedAt=").append(c.receivedAt())
                    .append(", jurisdiction=").append(c.jurisdiction()).append(", agency=").append(c.agency())
                    .append(", legalProcess=").append(c.legalProcess()).append(", accounts=").append(accounts(c.accounts()));
        } else {
            return null;
        }
        return s.append(']').toString();
    }

    /** A list's toString() of AccountPseudonym records, as it was: {@code [AccountPseudonym[value=..], ..]}. */
    private static String accounts(List<AccountPseudonym> accounts) {
        if (accounts == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < accounts.size(); i++) {
            s.append(i == 0 ? "" : ", ").append("AccountPseudonym[value=").append(accounts.get(i).value()).append(']');
        }
        return s.append(']').toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON object written by hand: strings escaped as the answers escape them, instants ISO-8601, enums by name. */
    private static final class Fields {
        private final StringBuilder json = new StringBuilder(256).append('{');

        Fields add(String name, Object value) {
            if (value == null) {
                return this;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            DemandController.Created.jsonString(json, name).append(':');
            if (value instanceof List<?> list) {
                json.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    DemandController.Created.jsonString(json, text(list.get(i)));
                }
                json.append(']');
            } else {
                DemandController.Created.jsonString(json, text(value));
            }
            return this;
        }

        private static String text(Object value) {
            if (value instanceof AccountPseudonym a) {
                return a.value();
            }
            if (value instanceof Enum<?> e) {
                return e.name();
            }
            if (value instanceof Instant) {
                return value.toString();
            }
            return Objects.toString(value); // a String, or a Jurisdiction (its code)
        }

        String end() {
            return json.append('}').toString();
        }
    }
}
