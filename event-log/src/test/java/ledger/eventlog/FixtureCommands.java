package ledger.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a fixture's operator log (`op` plus the HTTP body of api.md) maps to the command API, as the acceptance
 * client maps it: shared by the end-to-end tests and the benchmarks.
 */
public final class FixtureCommands {

    private FixtureCommands() {
    }

    public static String path(JsonNode command) {
        String id = command.get("demandId").asText();
        return switch (command.get("op").asText()) {
            case "receive" -> "/api/demands";
            case "disclose-content" -> "/api/demands/" + id + "/content-disclosures";
            case "disclose-subscriber" -> "/api/demands/" + id + "/subscriber-disclosures";
            case "no-data" -> "/api/demands/" + id + "/no-data-found";
            case "reject" -> "/api/demands/" + id + "/rejection";
            case "correct" -> "/api/demands/" + id + "/corrections";
            // tracking.md
            case "deadline" -> "/api/demands/" + id + "/deadline";
            case "assign" -> "/api/demands/" + id + "/assignment";
            case "non-disclosure-order" -> "/api/demands/" + id + "/non-disclosure-order";
            case "user-notice" -> "/api/demands/" + id + "/user-notice";
            default -> throw new IllegalArgumentException("unknown op in " + command);
        };
    }

    public static String body(JsonNode command) {
        ObjectNode body = command.deepCopy();
        body.remove("op");
        if (!command.get("op").asText().equals("receive")) {
            body.remove("demandId");
        }
        if (command.get("op").asText().equals("reject") && !command.has("reason")) {
            // the national-security fixture logs its rejections without the reason api.md requires (the
            // acceptance client, which reads c["reason"], stops on them too); no figure depends on the reason
            body.put("reason", "OTHER");
        }
        return body.toString();
    }
}
