package ledger.access;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.DateSchema;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;

/**
 * What both sides' OpenAPI descriptions share (operations.md, "API description"): the bearer scheme, the problem
 * details, and who may call each operation, read from the side's {@link AccessRules} (the table that decides).
 * Each side describes its own answers with {@link #operation}, {@link #object} and {@link #problem}.
 */
public final class ApiDescription {

    public static final String BEARER = "bearer";
    public static final String PROBLEM = "Problem";
    public static final String PROBLEM_JSON = "application/problem+json";
    /** A period in a path: {@code YYYY-H1} or {@code YYYY-H2} (api.md); anything else is a 400. */
    public static final String PERIOD = "^[0-9]{4}-H[12]$";

    private ApiDescription() {
    }

    /**
     * The side's description of access, applied after the side's own ({@link Ordered#LOWEST_PRECEDENCE}), so it
     * covers every operation the side described: the bearer scheme required by default, none on an open rule's
     * operation, and on the others the roles that may (as {@code x-required-roles} and in words) and the 401 and
     * 403 problem details.
     */
    static OpenApiCustomizer access(AccessRules rules, String side) {
        class Access implements OpenApiCustomizer, Ordered {
            @Override
            public void customise(OpenAPI api) {
                String version = ApiDescription.class.getPackage().getImplementationVersion();
                api.info(new Info().title("The ledger of legal demands: " + side).version(version == null ? "development" : version)
                        .description("The " + side + " of the ledger (README.md). The contract is ../shared/spec/api.md, "
                                + "security.md (who may call what) and log-bundle.md (the log's own endpoints). Every request "
                                + "carries `Authorization: Bearer <token>` (a ledger token or an identity provider's JWT) but "
                                + "the public ones; errors are RFC 9457 problem details."));
                Components components = api.getComponents() == null ? new Components() : api.getComponents();
                api.components(components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("ledger token or JWT")
                                .description("a token of the ledger itself (ldg_...; ./run token) or a JWT of the configured "
                                        + "identity provider (security.md)"))
                        .addSchemas(PROBLEM, problemSchema()));
                api.addSecurityItem(new SecurityRequirement().addList(BEARER));
                if (api.getPaths() == null) {
                    return;
                }
                api.getPaths().forEach((template, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    faults(method == io.swagger.v3.oas.models.PathItem.HttpMethod.POST, operation);
                    describe(rules.rulesFor(HttpMethod.valueOf(method.name()), template), operation);
                }));
            }

            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }
        }
        return new Access();
    }

    /**
     * What any operation may answer besides its own: 406 and 500; and a POST (which writes) 413 and 415 for its
     * body, and 507 or 503 when the store refuses the write (ErrorAnswers, StoreRefusal).
     */
    private static void faults(boolean writes, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.responses(responses);
        responses.putIfAbsent("406", problem("the Accept header admits no media type this answer has"));
        if (writes) {
            boolean body = operation.getRequestBody() != null;
            boolean json = body && operation.getRequestBody().getContent() != null
                    && operation.getRequestBody().getContent().containsKey("application/json");
            if (!body || json) { // a body of its own kind (an imported bundle) has no limit, and any media type
                responses.putIfAbsent("413", problem("a body over the limit (1 MiB); `limit` says it"));
            }
            if (json) {
                responses.putIfAbsent("415", problem("a body that is not application/json; the `Accept` header says what is"));
            }
            Header retry = new Header().description("seconds").schema(schema("integer"));
            responses.putIfAbsent("507", problem("the ledger's disk is full: nothing was stored (`reason`: disk_full); try again "
                    + "once space is freed").addHeaderObject("Retry-After", retry));
            responses.putIfAbsent("503", problem("the store stopped taking writes and needs a restart: nothing was stored "
                    + "(`reason`: store_halted)").addHeaderObject("Retry-After", retry));
        }
        responses.putIfAbsent("500", problem("internal error: `detail` and `errorId` give the id of its line in the ledger's log, "
                + "nothing of the fault itself"));
    }

    private static void describe(List<AccessRules.Rule> applying, Operation operation) {
        AccessRules.Rule rule = applying.isEmpty() ? null : applying.get(applying.size() - 1);
        if (rule != null && rule.open()) {
            operation.setSecurity(List.of()); // public (security.md): no token needed
            return;
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.responses(responses);
        responses.addApiResponse("401", problem("no token, or an unknown, revoked or invalid one; with "
                        + "`WWW-Authenticate: Bearer realm=\"ledger\"`")
                .addHeaderObject("WWW-Authenticate", new Header().schema(schema("string").example("Bearer realm=\"ledger\""))));
        List<String> words = new ArrayList<>();
        if (rule == null) {
            words.add("No rule names it: refused to every caller.");
        } else {
            List<String> roles = ids(rule);
            operation.addExtension("x-required-roles", roles);
            words.add("Roles: " + String.join(", ", roles) + ".");
            responses.addApiResponse("403", problem("a valid token without one of the roles; `requiredRoles` names them"));
        }
        Map<String, List<String>> narrower = new LinkedHashMap<>();
        for (AccessRules.Rule r : applying.subList(0, Math.max(0, applying.size() - 1))) {
            narrower.put(r.parameter(), ids(r));
            words.add("With `" + r.parameter() + "`: " + String.join(", ", ids(r)) + ".");
        }
        if (!narrower.isEmpty()) {
            operation.addExtension("x-required-roles-with-parameter", narrower);
        }
        String said = operation.getDescription() == null ? "" : operation.getDescription() + "\n\n";
        operation.setDescription(said + String.join(" ", words));
    }

    private static List<String> ids(AccessRules.Rule rule) {
        return rule.roles().stream().map(Role::id).sorted().toList();
    }

    /** RFC 9457's members and this ledger's own ({@code field}, {@code requiredRoles}, {@code availableFrom}). */
    private static Schema<?> problemSchema() {
        return object("type:string", "title:string", "status:integer", "detail:string", "instance:string", "field:string",
                "requiredRoles:[string]", "availableFrom:date", "reason:string", "limit:integer", "errorId:string")
                .description("An RFC 9457 problem detail; `field` names what is at fault, `requiredRoles` (403) the roles "
                        + "that would do, `availableFrom` (the national-security report's 409) the day it may be shown, "
                        + "`reason` (507, 503) why the store refused a write, `limit` (413) the largest body taken, `errorId` "
                        + "(500) the id of the error's log line");
    }

    /** An error answer: a problem detail. */
    public static ApiResponse problem(String when) {
        return new ApiResponse().description(when)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(ref(PROBLEM))));
    }

    /** An answer of one media type and schema. */
    public static ApiResponse answer(String description, String mediaType, Schema<?> schema) {
        return new ApiResponse().description(description).content(new Content().addMediaType(mediaType, new MediaType().schema(schema)));
    }

    public static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    /**
     * An object schema from {@code name:type} pairs; a type is {@code string}, {@code integer}, {@code number},
     * {@code boolean}, {@code object}, {@code date-time}, {@code date}, {@code #Schema} (a component) or any of these
     * in brackets for an array.
     */
    public static Schema<?> object(String... fields) {
        Schema<Object> schema = new io.swagger.v3.oas.models.media.ObjectSchema();
        for (String field : fields) {
            int colon = field.indexOf(':');
            schema.addProperty(field.substring(0, colon), schema(field.substring(colon + 1)));
        }
        return schema;
    }

    public static Schema<?> schema(String type) {
        if (type.startsWith("[")) {
            return new ArraySchema().items(schema(type.substring(1, type.length() - 1)));
        }
        if (type.startsWith("#")) {
            return ref(type.substring(1));
        }
        return switch (type) {
            case "date-time", "date" -> schema("string").format(type);
            default -> new Schema<>().type(type);
        };
    }

    /**
     * The operation springdoc found for a method and path, to describe further; an operation the side no longer
     * serves fails the description, so the description cannot drift from the mappings unnoticed.
     */
    public static void operation(OpenAPI api, HttpMethod method, String path, Consumer<Operation> describe) {
        PathItem item = api.getPaths() == null ? null : api.getPaths().get(path);
        Operation operation = item == null ? null : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.name()));
        if (operation == null) {
            throw new IllegalStateException("no operation " + method + " " + path + " to describe");
        }
        describe.accept(operation);
    }
}
