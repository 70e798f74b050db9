package ledger.logbundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import ledger.events.ContentDisclosed;
import ledger.events.DeadlineSet;
import ledger.events.DemandAssigned;
import ledger.events.DemandCorrected;
import ledger.events.DemandReceived;
import ledger.events.DemandRejected;
import ledger.events.NoDataFound;
import ledger.events.NonDisclosureOrderRecorded;
import ledger.events.SubscriberDataDisclosed;
import ledger.events.UserNotified;

/**
 * A record's event as the ledger's event classes: its {@code type} (the simple name) to the class, its payload in
 * the bundle's form back to the form the event classes read (a jurisdiction is {@code {"code": ..}}, an account
 * pseudonym {@code {"value": ..}}). What the offline verifier recounts, and what the import stores.
 */
public final class BundleEvents {

    public static final Map<String, Class<?>> TYPES = List.of(DemandReceived.class, SubscriberDataDisclosed.class,
                    ContentDisclosed.class, NoDataFound.class, DemandRejected.class, DemandCorrected.class,
                    DeadlineSet.class, DemandAssigned.class, NonDisclosureOrderRecorded.class, UserNotified.class).stream()
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final ObjectMapper mapper;

    /** With a mapper of its own that refuses unknown fields (the offline verifier). */
    public BundleEvents() {
        this(new ObjectMapper().findAndRegisterModules().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    public BundleEvents(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The event class of a record's type; refuses a type the ledger does not have. */
    public static Class<?> type(String simpleName) {
        Class<?> type = TYPES.get(simpleName);
        if (type == null) {
            throw new IllegalArgumentException("'" + simpleName + "' is not an event of the ledger " + TYPES.keySet().stream().sorted().toList());
        }
        return type;
    }

    /** The event of a record: its type and payload read as the ledger's event class. */
    public Object event(String type, JsonNode payload) {
        Class<?> eventClass = type(type);
        try {
            return mapper.treeToValue(storedForm(payload), eventClass);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the payload is not a " + type + " (" + message(e) + ")");
        }
    }

    /** The event of a bundle's record; a record whose payload is not its event breaks the bundle at its line. */
    public Object event(BundleRecord record) throws BundleBroken {
        try {
            return event(record.type(), record.payload());
        } catch (IllegalArgumentException e) {
            throw new BundleBroken(record.line(), e.getMessage());
        }
    }

    private static String message(Exception e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    /** The payload in the bundle's form, back in the form the event classes read. */
    static JsonNode storedForm(JsonNode payload) {
        ObjectNode out = payload.deepCopy();
        JsonNode jurisdiction = out.get("jurisdiction");
        if (jurisdiction != null && jurisdiction.isTextual()) {
            out.putObject("jurisdiction").put("code", jurisdiction.textValue());
        }
        JsonNode accounts = out.get("accounts");
        if (accounts != null && accounts.isArray()) {
            ArrayNode values = out.putArray("accounts");
            accounts.forEach(a -> {
                if (a.isTextual()) {
                    values.addObject().put("value", a.textValue());
                } else {
                    values.add(a);
                }
            });
        }
        return out;
    }
}
