package ledger.query;

import static ledger.access.ApiDescription.answer;
import static ledger.access.ApiDescription.object;
import static ledger.access.ApiDescription.problem;
import static ledger.access.ApiDescription.ref;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import ledger.access.ApiDescription;
import ledger.events.LegalProcess;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

/**
 * The query side's OpenAPI description (api.md, log-bundle.md): its controllers answer bytes, maps and streams
 * they build themselves, so springdoc cannot see their shapes; here they are, with the problem details each can
 * answer. Who may call what is added from the rules table ({@link ApiDescription}).
 */
@Component
@Order(0) // before the description of access, which covers what this describes
class QueryApiDescription implements OpenApiCustomizer {

    private static final String JSON = "application/json";
    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";
    private static final String VERSION = "^[1-9][0-9]{0,8}$";

    @Override
    public void customise(OpenAPI api) {
        if (api.getComponents() == null) {
            api.components(new Components());
        }
        schemas(api.getComponents());
        api.getComponents().getSchemas().remove("StreamingResponseBody"); // springdoc's guess at the export, described below
        ApiResponse badPeriod = problem("a period that is not YYYY-H1 or YYYY-H2, or a malformed parameter; `field` names it");
        ApiResponse rebuilding = problem("the figures were projected by an earlier build and are being rebuilt from the log "
                + "(with Retry-After)");

        // /api/statistics/{period} answers its CSV when the period ends in .csv: described as the path it is
        PathItem statistics = api.getPaths().get("/api/statistics/{period}");
        Operation csv = new Operation().operationId("statisticsCsv").tags(statistics.getGet().getTags())
                .parameters(statistics.getGet().getParameters());
        api.getPaths().addPathItem("/api/statistics/{period}.csv", new PathItem().get(csv));
        describe(api, HttpMethod.GET, "/api/statistics/{period}", o -> o.summary("A period's figures by jurisdiction, as projected "
                + "(with asOf: of exactly the events at or before that position, recounted from the log)"), figures(JSON, "#Statistics"),
                "400", badPeriod);
        describe(api, HttpMethod.GET, "/api/statistics/{period}.csv", o -> o.summary("A period's canonical CSV (counting rule 11)"),
                figures(CSV, null), "400", badPeriod);
        for (String suffix : List.of("", ".csv")) {
            describe(api, HttpMethod.GET, "/api/statistics/{period}/legal-process" + suffix,
                    o -> o.summary("The table by legal process (counting rule 15), whole or narrowed to a jurisdiction"),
                    figures(suffix.isEmpty() ? JSON : CSV, "#LegalProcessTable"), "400", badPeriod, "503", rebuilding);
            describe(api, HttpMethod.GET, "/api/statistics/{period}/national-security" + suffix,
                    o -> o.summary("The national-security report (counting rules 16-17), in bands of 500"),
                    figures(suffix.isEmpty() ? JSON : CSV, "#NationalSecurityReport"), "400", badPeriod,
                    "409", problem("before 180 days after the period's end; `availableFrom` is the day it may be shown"),
                    "503", rebuilding);
            describe(api, HttpMethod.GET, "/api/statistics/{period}/handling" + suffix,
                    o -> o.summary("The handling table (counting rules 18-19): due dates kept, hours to a first response, "
                            + "non-disclosure orders and user notices by jurisdiction (with asOf: recounted from the log)"),
                    figures(suffix.isEmpty() ? JSON : CSV, "#HandlingTable"), "400", badPeriod, "503", rebuilding);
        }
        describe(api, HttpMethod.POST, "/api/replays", o -> o.summary("Rebuilds every projection from the first event"),
                "202", answer("requested; follow it at /api/replays/latest", JSON, ref("Replay")),
                "409", problem("a replay is already requested or running"));
        describe(api, HttpMethod.GET, "/api/replays/latest", o -> o.summary("The latest replay and its progress"),
                "200", answer("the latest replay", JSON, ref("Replay")), "404", problem("no replay was ever requested"));
        describe(api, HttpMethod.GET, "/api/audits/{period}", o -> o.summary("Every table of the period recomputed from the log, "
                        + "compared with the projection (counting rule 14)"),
                "200", answer("the audit", JSON, ref("Audit")), "400", badPeriod, "503", rebuilding);
        describe(api, HttpMethod.POST, "/api/reports/{period}", o -> o.summary("Publishes every table of the period as of one "
                        + "position, as its next version"),
                "201", answer("published", JSON, ref("PublishedReport")), "400", badPeriod, "503", rebuilding);
        describe(api, HttpMethod.GET, "/api/reports/{period}", o -> o.summary("The published versions of a period"),
                "200", answer("the versions", JSON, ApiDescription.schema("[#PublishedReport]")), "400", badPeriod);
        ApiResponse unknownVersion = problem("no such published version");
        describe(api, HttpMethod.GET, "/api/reports/{period}/{version}.csv", o -> o.summary("A published version's CSV, byte for byte "
                        + "(its SHA-256 is the version's digest)"),
                "200", answer("the CSV as published", CSV, ApiDescription.schema("string")), "400", badPeriod, "404", unknownVersion);
        describe(api, HttpMethod.GET, "/api/reports/{period}/{version}/verification", o -> o.summary("The log replayed up to the "
                        + "version's position: every frozen table recomputed, and the chain up to there"),
                "200", answer("the verification", JSON, ref("Verification")), "400", badPeriod, "404", unknownVersion);
        describe(api, HttpMethod.GET, "/api/reports/{period}/{version}/restatement", o -> o.summary("What changed since a version"),
                "200", answer("the restatement", JSON, ref("Restatement")), "400", badPeriod, "404", unknownVersion);
        describe(api, HttpMethod.GET, "/api/demands/{id}", o -> o.summary("A demand as corrected and its history, read from the log"),
                "200", answer("the demand", JSON, ref("Demand")), "404", problem("a demand never received"));
        describe(api, HttpMethod.GET, "/api/demands", o -> o.summary("The list of demands, ordered by demandId, filtered"),
                "200", answer("a page", JSON, ref("DemandPage")).addHeaderObject("Ledger-Position",
                        new Header().description("the log position the list reflects").schema(ApiDescription.schema("integer"))),
                "400", problem("a malformed filter, limit or after; `field` names it"),
                "503", problem("the list is being read from the log at this instance's start"));
        tracking(api);
        describe(api, HttpMethod.GET, "/api/log/head", o -> o.summary("The log's last event and its hash"),
                "200", answer("the head", JSON, ref("LogHead")));
        describe(api, HttpMethod.GET, "/api/log/export", o -> o.summary("The log's records from..to as a bundle (log-bundle.md), "
                        + "gzipped with Accept-Encoding: gzip"),
                "200", answer("one record a line, in position order, each with its hash", NDJSON,
                        ApiDescription.schema("string")), "400", problem("from or to not a position, or to beyond the head"));
        describe(api, HttpMethod.GET, "/api/log/verification", o -> o.summary("Every stored event from position 1 to `to` "
                        + "recomputed into the chain"),
                "200", answer("the verification", JSON, ref("LogVerification")), "400", problem("to not a position up to the head"));
        describe(api, HttpMethod.POST, "/api/log/import", o -> o.summary("A bundle into an empty ledger").requestBody(new RequestBody()
                        .required(true).content(new Content().addMediaType(NDJSON, new MediaType()
                                .schema(ApiDescription.schema("string").format("binary").description("NDJSON, gzipped or not")))))
                , "201", answer("imported; the projections then build as after a replay", JSON, ref("LogHead")),
                "409", problem("the ledger holds events, or an append came in the middle of the import"),
                "422", problem("a broken line (`field`: `line N`); nothing stored"));
        describe(api, HttpMethod.GET, "/api/backup/records", o -> o.summary("What a backup holds besides the log: the published "
                        + "reports and the repairs, one {collection, document} a line in MongoDB's extended JSON (docs/backup.md)"),
                "200", answer("the records", NDJSON, ApiDescription.schema("string")));
        describe(api, HttpMethod.POST, "/api/backup/records", o -> o.summary("A backup's records into a ledger that has none, "
                        + "after its log was imported").requestBody(new RequestBody().required(true).content(new Content()
                        .addMediaType(NDJSON, new MediaType().schema(ApiDescription.schema("string"))))),
                "201", answer("restored: how many reports and repairs", JSON, ApiDescription.object("reports:integer", "repairs:integer")),
                "409", problem("the ledger has published reports or repairs already"),
                "422", problem("a line that is not a record, or a report whose logHash is not the log's at its position; nothing stored"));
        describe(api, HttpMethod.GET, "/api/session", o -> o.summary("Who the token is, and its roles (what the dashboard offers)"),
                answer("the caller", JSON, ref("Session")));
        describe(api, HttpMethod.GET, "/", o -> o.summary("The dashboard (operations.md); it asks for a token itself"),
                answer("the page", org.springframework.http.MediaType.TEXT_HTML_VALUE, ApiDescription.schema("string")));

        patterns(api);
    }

    /** tracking.md's views of now: the queue and the notices due, paged like the list of demands. */
    private static void tracking(OpenAPI api) {
        ApiResponse malformed = problem("a malformed filter, limit or after; `field` names it");
        ApiResponse reading = problem("the demands are being read from the log at this instance's start");
        describe(api, HttpMethod.GET, "/api/queue", o -> o.summary("The demands waiting for a response (outcome pending), by due "
                        + "date (none last), then demandId; overdue when due before now; assignee= (empty) the unassigned"),
                "200", page("QueuePage"), "400", malformed, "503", reading);
        describe(api, HttpMethod.GET, "/api/notices-due", o -> o.summary("Disclosed demands whose user may be and has not been "
                        + "notified, by when notice became possible (the first disclosure, or the order's end if later)"),
                "200", page("NoticesPage"), "400", malformed, "503", reading);
    }

    private static ApiResponse page(String schema) {
        return answer("a page", JSON, ref(schema)).addHeaderObject("Ledger-Position",
                new Header().description("the log position the list reflects").schema(ApiDescription.schema("integer")));
    }

    /** A table's answer: JSON of the schema, or the canonical CSV, with the position and digest in headers. */
    private static ApiResponse figures(String mediaType, String schema) {
        if (mediaType.equals(CSV)) {
            return answer("the canonical CSV; its SHA-256 is the digest", CSV, ApiDescription.schema("string"))
                    .addHeaderObject("X-Log-Position", new Header().description("the log position the figures reflect")
                            .schema(ApiDescription.schema("integer")))
                    .addHeaderObject("ETag", new Header().description("the digest, quoted").schema(ApiDescription.schema("string")));
        }
        return answer("the table", JSON, ApiDescription.schema(schema));
    }

    /** The operation's summary, and its answers (status, answer pairs) in place of what springdoc guessed. */
    private static void describe(OpenAPI api, HttpMethod method, String path, Consumer<Operation> summary, Object... answers) {
        ApiResponses responses = new ApiResponses();
        int pairs = 0;
        if (!(answers[0] instanceof String)) {
            responses.addApiResponse("200", (ApiResponse) answers[0]);
            pairs = 1;
        }
        for (int i = pairs; i < answers.length; i += 2) {
            responses.addApiResponse((String) answers[i], (ApiResponse) answers[i + 1]);
        }
        ApiDescription.operation(api, method, path, operation -> summary.andThen(o -> o.responses(responses)).accept(operation));
    }

    /** Path and query parameters with their forms (springdoc sees strings: the controllers parse them themselves). */
    private static void patterns(OpenAPI api) {
        api.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> {
            if (operation.getParameters() == null) {
                return;
            }
            for (Parameter p : operation.getParameters()) {
                switch (p.getName()) {
                    case "period" -> p.schema(ApiDescription.schema("string").pattern(ApiDescription.PERIOD).example("2014-H1"));
                    case "version" -> p.schema(ApiDescription.schema("string").pattern(VERSION));
                    case "asOf", "from", "to" -> p.schema(ApiDescription.schema("integer").minimum(java.math.BigDecimal.ZERO))
                            .description("a log position");
                    case "jurisdiction" -> p.schema(ApiDescription.schema("string").pattern("^[A-Z]{2}$"));
                    case "limit" -> p.schema(ApiDescription.schema("integer").minimum(java.math.BigDecimal.ONE)
                            .maximum(java.math.BigDecimal.valueOf(1000))._default(100));
                    case "receivedBefore" -> p.schema(ApiDescription.schema("string").format("date-time"));
                    case "outcome" -> p.schema(enumOf(List.of("content", "subscriberOnly", "noDataFound", "rejected", "pending")));
                    case "legalProcess" -> p.schema(enumOf(Arrays.stream(LegalProcess.values()).map(Enum::name).toList()));
                    case "after" -> p.description("the `next` of the previous page");
                    case "overdue" -> p.schema(ApiDescription.schema("boolean")).description("true: only those due before now");
                    case "assignee" -> p.description("the owner's name; empty: the unassigned");
                    default -> {
                    }
                }
            }
        }));
    }

    private static Schema<?> enumOf(List<String> values) {
        io.swagger.v3.oas.models.media.StringSchema schema = new io.swagger.v3.oas.models.media.StringSchema();
        schema._enum(values);
        return schema;
    }

    private static void schemas(Components components) {
        String counts = "requests:integer,accounts:integer,content:integer,subscriberOnly:integer,noDataFound:integer,rejected:integer,"
                + "pending:integer,contentPct:number,subscriberOnlyPct:number,noDataFoundPct:number,rejectedPct:number";
        components.addSchemas("JurisdictionRow", object(("jurisdiction:string," + counts).split(",")));
        components.addSchemas("LegalProcessRow", object(("legalProcess:string," + counts).split(",")));
        components.addSchemas("Statistics", object("period:string", "position:integer", "digest:string", "rows:[#JurisdictionRow]",
                "total:#JurisdictionRow"));
        components.addSchemas("LegalProcessTable", object("period:string", "position:integer", "digest:string", "jurisdiction:string",
                "rows:[#LegalProcessRow]", "total:#LegalProcessRow"));
        components.addSchemas("HandlingRow", object("jurisdiction:string", "requests:integer", "withDeadline:integer", "onTime:integer",
                "late:integer", "open:integer", "medianHoursToResponse:integer", "nonDisclosureOrders:integer", "usersNotified:integer",
                "onTimePct:number", "nonDisclosurePct:number")
                .description("the CSV's columns; medianHoursToResponse null without a response, onTimePct null without a due date, "
                        + "nonDisclosurePct null without requests"));
        components.addSchemas("HandlingTable", object("period:string", "position:integer", "digest:string", "rows:[#HandlingRow]",
                "total:#HandlingRow"));
        components.addSchemas("NationalSecurityReport", object("period:string", "position:integer", "digest:string",
                "rows:[#NationalSecurityLine]"));
        components.addSchemas("NationalSecurityLine", object("kind:string", "requests:string", "accounts:string")
                .description("requests and accounts in bands of 500, as strings (counting rule 17)"));
        components.addSchemas("Replay", object("number:integer", "state:string", "processed:integer", "total:integer",
                "requestedAt:date-time", "startedAt:date-time", "finishedAt:date-time", "error:string")
                .description("state: REQUESTED, RUNNING, FINISHED or FAILED (with error)"));
        components.addSchemas("Audit", object("period:string", "position:integer", "projectedDigest:string", "recomputedDigest:string",
                "matches:boolean", "tables:object", "differences:[object]", "rowDifferences:[object]"));
        components.addSchemas("PublishedReport", object("period:string", "version:integer", "position:integer", "digest:string",
                "digests:object", "publishedAt:date-time", "publishedBy:string", "logHash:string"));
        components.addSchemas("Verification", object("period:string", "version:integer", "position:integer", "matches:boolean",
                "digest:string", "recomputedDigest:string", "digests:object", "recomputedDigests:object", "chainValid:boolean",
                "logHash:string", "publishedAt:date-time", "publishedBy:string"));
        components.addSchemas("Restatement", object("period:string", "version:integer", "position:integer", "digest:string",
                "digests:object", "currentPosition:integer", "currentDigest:string", "currentDigests:object", "changes:[#Change]"));
        components.addSchemas("Change", object("demandId:string", "before:object", "after:object"));
        components.addSchemas("Demand", object("demandId:string", "receivedAt:date-time", "jurisdiction:string", "agency:string",
                "legalProcess:string", "accounts:integer", "period:string", "outcome:string", "dueAt:date-time", "assignee:string",
                "nonDisclosureUntil:date-time", "userNotifiedAt:date-time", "position:integer", "history:[object]")
                .description("accounts counts distinct pseudonyms; each history entry is {position, type, recordedAt, actor, ..the "
                        + "event's fields} with accounts only counted; nonDisclosureUntil absent without an order, null when it is indefinite"));
        components.addSchemas("DemandSummary", object("demandId:string", "receivedAt:date-time", "jurisdiction:string",
                "legalProcess:string", "outcome:string", "position:integer"));
        components.addSchemas("DemandPage", object("demands:[#DemandSummary]", "next:string")
                .description("next: the after of the following page, null on the last"));
        components.addSchemas("QueuedDemand", object("demandId:string", "receivedAt:date-time", "dueAt:date-time", "assignee:string",
                "jurisdiction:string", "legalProcess:string", "overdue:boolean").description("dueAt and assignee null when none"));
        components.addSchemas("QueuePage", object("demands:[#QueuedDemand]", "next:string")
                .description("next: the after of the following page (dueAt/demandId, - for no due date), null on the last"));
        components.addSchemas("NoticeDue", object("demandId:string", "noticePossibleSince:date-time", "nonDisclosureUntil:date-time",
                "assignee:string").description("nonDisclosureUntil null when the demand had no order"));
        components.addSchemas("NoticesPage", object("demands:[#NoticeDue]", "next:string")
                .description("next: the after of the following page, null on the last"));
        components.addSchemas("LogHead", object("position:integer", "hash:string"));
        components.addSchemas("Session", object("actor:string", "roles:[string]"));
        components.addSchemas("LogVerification", object("position:integer", "hash:string", "valid:boolean",
                "firstBrokenPosition:integer"));
        // the repairs of a damaged log, never silent (docs/backup.md)
        components.addSchemas("Repair", object("repairedAt:date-time", "droppedFrom:integer", "droppedTo:integer", "reason:string")
                .description("a repair of a damaged log: the positions it dropped (null when none), which new events then took again"));
        components.getSchemas().get("LogVerification").addProperty("repairs", ApiDescription.schema("[#Repair]"));
        components.getSchemas().get("PublishedReport").addProperty("brokenByRepair", ref("Repair"));
        components.getSchemas().get("Verification").addProperty("brokenByRepair", ref("Repair"));
    }
}
