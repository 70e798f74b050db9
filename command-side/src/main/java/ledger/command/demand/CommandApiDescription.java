package ledger.command.demand;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import ledger.access.ApiDescription;
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
import ledger.events.Jurisdiction;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.HttpMethod;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The command API's OpenAPI description (api.md): the controller writes its answers itself, so springdoc cannot
 * see them. Each request body is the schema of the command it becomes (shared-events), as the wire carries it:
 * accounts as the raw identifiers they are pseudonymized from, a jurisdiction as its code, the demand id in the
 * path but for a receipt. Who may call what is added from the rules table ({@link ApiDescription}).
 */
@Component
@Order(0) // before the description of access, which covers what this describes
class CommandApiDescription implements OpenApiCustomizer {

    @Override
    public void customise(OpenAPI api) {
        if (api.getComponents() == null) {
            api.components(new io.swagger.v3.oas.models.Components());
        }
        api.getComponents().addSchemas("Created", ApiDescription.object("demandId:string", "position:integer")
                .description("the demand and the log position of the stored event: the query side's figures include the "
                        + "command once their position has reached it"));
        command(api, CommandKind.RECEIVE, ReceiveDemand.class, false,
                "Receives a demand. The same demandId with the same body again answers as the first time and stores "
                        + "nothing; with another body it is a 409.");
        command(api, CommandKind.SUBSCRIBER_DISCLOSURE, DiscloseSubscriberData.class, false,
                "Subscriber data disclosed (a second one without an Idempotency-Key is a supplemental disclosure).");
        command(api, CommandKind.CONTENT_DISCLOSURE, DiscloseContent.class, false, "Content disclosed.");
        command(api, CommandKind.NO_DATA_FOUND, RecordNoDataFound.class, false, "No data found.");
        command(api, CommandKind.REJECTION, RejectDemand.class, false, "The demand rejected.");
        command(api, CommandKind.CORRECTION, CorrectDemand.class, true,
                "Corrects any of the demand's receivedAt, jurisdiction, legalProcess, agency and accounts. A receivedAt "
                        + "later than a disposition, an order or the due date already logged is a 409.");
        command(api, CommandKind.DEADLINE, SetDeadline.class, false,
                "Sets or moves the due date (tracking.md): dueAt at or after receivedAt, else a 400. A closed demand "
                        + "takes one too.");
        command(api, CommandKind.ASSIGNMENT, AssignDemand.class, false,
                "Gives the demand an owner (1 to 100 characters), or none (null). The same owner again is recorded.");
        command(api, CommandKind.NON_DISCLOSURE_ORDER, RecordNonDisclosureOrder.class, false,
                "Records a non-disclosure order, in force from occurredAt until until (null: without end); it replaces "
                        + "any earlier order. until not after occurredAt is a 400.");
        command(api, CommandKind.USER_NOTICE, NotifyUser.class, false,
                "Records that the user was notified (counting rule 20): a 409 before any disclosure (occurredAt must be "
                        + "later than the first disclosure's), while the demand's order is in force, or a second time.");
    }

    /** Fields a body may leave out. */
    private static final Set<String> OPTIONAL = Set.of("ReceiveDemand.dueAt");
    /** Fields that must be present but may be {@code null}. */
    private static final Set<String> NULLABLE = Set.of("AssignDemand.assignee", "RecordNonDisclosureOrder.until");

    private static void command(OpenAPI api, CommandKind kind, Class<? extends Record> command, boolean anyOf, String summary) {
        boolean receipt = kind == CommandKind.RECEIVE;
        ApiDescription.operation(api, HttpMethod.POST, kind.path(), operation -> {
            operation.summary(summary);
            operation.requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                    new MediaType().schema(body(command, receipt, anyOf)))));
            if (operation.getParameters() != null) {
                operation.getParameters().stream().filter(p -> p.getName().equals("id"))
                        .forEach(p -> p.schema(ApiDescription.schema("string").pattern("^" + DemandController.DEMAND_ID.pattern() + "$")));
            }
            ApiResponses responses = new ApiResponses();
            responses.addApiResponse("201", ApiDescription.answer("stored (or an idempotent repeat, answered as the first time)",
                    "application/json", ApiDescription.ref("Created")));
            if (receipt) {
                responses.get("201").addHeaderObject("Location", new Header().description("/api/demands/{id}")
                        .schema(ApiDescription.schema("string")));
            }
            responses.addApiResponse("400", ApiDescription.problem("malformed JSON, a missing or unknown field, an unknown "
                    + "jurisdiction code or enum value, a bad instant, a date in the future; `field` names it"));
            if (!receipt) {
                responses.addApiResponse("404", ApiDescription.problem("a demand never received"));
            }
            responses.addApiResponse("409", ApiDescription.problem(receipt ? "the demandId received before with another body"
                    : "a transition the rules forbid"));
            responses.addApiResponse("422", ApiDescription.problem("an Idempotency-Key used before with another body"));
            operation.responses(responses);
        });
    }

    /** The command's fields as JSON carries them; the demand id only where the path does not name the demand. */
    private static Schema<?> body(Class<? extends Record> command, boolean receipt, boolean anyOf) {
        Schema<Object> schema = new io.swagger.v3.oas.models.media.ObjectSchema();
        schema.additionalProperties(false);
        for (RecordComponent component : command.getRecordComponents()) {
            if (component.getName().equals("demandId") && !receipt) {
                continue;
            }
            String name = command.getSimpleName() + "." + component.getName();
            Schema<?> field = field(component.getGenericType());
            if (NULLABLE.contains(name)) {
                field.nullable(true);
            }
            if (component.getName().equals("assignee")) {
                field.minLength(1).maxLength(100);
            }
            schema.addProperty(component.getName(), field);
            if (!anyOf && !OPTIONAL.contains(name)) {
                schema.addRequiredItem(component.getName());
            }
        }
        return schema.description(command.getSimpleName() + (anyOf ? ": any of its fields" : ""));
    }

    private static Schema<?> field(Type type) {
        if (type == Instant.class) {
            return ApiDescription.schema("string").format("date-time").example("2014-03-02T10:15:00Z");
        }
        if (type == Jurisdiction.class) {
            return ApiDescription.schema("string").pattern("^[A-Z]{2}$").description("ISO 3166-1 alpha-2, upper case");
        }
        if (type instanceof Class<?> c && c.isEnum()) {
            io.swagger.v3.oas.models.media.StringSchema values = new io.swagger.v3.oas.models.media.StringSchema();
            values._enum(Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList());
            return values;
        }
        if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
            // accounts: the identifiers as the operator has them; they become pseudonyms before any command exists
            return new ArraySchema().items(ApiDescription.schema("string")).description("account identifiers");
        }
        return ApiDescription.schema("string");
    }
}
