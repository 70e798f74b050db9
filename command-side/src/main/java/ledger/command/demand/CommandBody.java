package ledger.command.demand;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import ledger.events.Jurisdiction;

/** A command's JSON body, read field by field so that every refusal names the field at fault. */
final class CommandBody {

    private final JsonNode node;

    private CommandBody(JsonNode node) {
        this.node = node;
    }

    static CommandBody parse(ObjectMapper mapper, String text, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            throw new DemandRefused.InvalidField("body", "the request has no body; a JSON object is expected");
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            // where, not what: the parser's message quotes the body (a raw account identifier, say), which no answer may echo
            JsonLocation at = e.getLocation();
            throw new DemandRefused.InvalidField("body", "the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw new DemandRefused.InvalidField("body", "the body must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new DemandRefused.InvalidField(name, "unknown field '" + name + "'; expected " + new TreeSet<>(allowed));
            }
        }
        return new CommandBody(node);
    }

    boolean has(String field) {
        return node.hasNonNull(field);
    }

    /** A field that must be present but may be {@code null}: an instant, or null. */
    Instant instantOrNull(String field) {
        present(field);
        return node.get(field).isNull() ? null : instant(field);
    }

    /** A field that must be present but may be {@code null}: a string (trimmed, possibly empty), or null. */
    String textOrNull(String field) {
        JsonNode value = present(field);
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new DemandRefused.InvalidField(field, field + " must be a string or null");
        }
        return value.asText().trim();
    }

    private JsonNode present(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new DemandRefused.InvalidField(field, "missing field '" + field + "' (null is allowed)");
        }
        return value;
    }

    String text(String field) {
        JsonNode value = required(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new DemandRefused.InvalidField(field, field + " must be a non-empty string");
        }
        return value.asText().trim();
    }

    Instant instant(String field) {
        String text = textual(field, "an ISO-8601 instant in UTC, such as 2014-03-02T10:15:00Z");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new DemandRefused.InvalidField(field, field + " '" + text + "' is not an ISO-8601 instant, such as 2014-03-02T10:15:00Z");
        }
    }

    Jurisdiction jurisdiction(String field) {
        String code = textual(field, "an ISO 3166-1 alpha-2 code in upper case");
        if (!Jurisdiction.isKnown(code)) {
            throw new DemandRefused.InvalidField(field, field + " '" + code + "' is not an ISO 3166-1 alpha-2 code in upper case");
        }
        return new Jurisdiction(code);
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type) {
        String text = textual(field, "one of " + Arrays.toString(type.getEnumConstants()));
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw new DemandRefused.InvalidField(field, field + " '" + text + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    <T> List<T> strings(String field, Function<String, T> convert) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw new DemandRefused.InvalidField(field, field + " must be an array of strings");
        }
        List<T> result = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new DemandRefused.InvalidField(field, field + " must hold only non-empty strings");
            }
            result.add(convert.apply(item.asText()));
        }
        return result;
    }

    private String textual(String field, String expected) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw new DemandRefused.InvalidField(field, field + " must be a string: " + expected);
        }
        return value.asText();
    }

    private JsonNode required(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new DemandRefused.InvalidField(field, "missing field '" + field + "'");
        }
        return value;
    }
}
