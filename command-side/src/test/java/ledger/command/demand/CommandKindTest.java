package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ledger.eventlog.FixtureCommands;
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
import ledger.events.LegalProcess;
import ledger.events.RejectionReason;
import org.junit.jupiter.api.Test;

/**
 * Every name a kind of command goes by, each held against what stands outside the enum: the acceptance client's
 * mapping of an operator log's {@code op} to its path (fixtures/README.md, {@link FixtureCommands}), the tags
 * docs/operations.md gives the dashboards, and the request hashes stored with Idempotency-Keys.
 */
class CommandKindTest {

    private static final Instant AT = Instant.parse("2014-03-03T10:15:00Z");

    @Test
    void eachOpIsPostedWhereTheAcceptanceClientPostsIt() {
        ObjectMapper json = new ObjectMapper();
        for (CommandKind kind : CommandKind.values()) {
            ObjectNode line = json.createObjectNode().put("op", kind.op()).put("demandId", "d-1");
            assertThat(kind.pathFor("d-1")).as("%s (op %s)", kind, kind.op()).isEqualTo(FixtureCommands.path(line));
        }
    }

    @Test
    void eachTagIsOneOperationsMdNames() throws IOException {
        String operations = Files.readString(Path.of("../docs/operations.md"));
        Matcher row = Pattern.compile("`ledger_commands_total\\{kind,outcome}`.*?`kind` (.*?); `outcome`").matcher(operations);
        assertThat(row.find()).as("docs/operations.md's row of ledger_commands_total").isTrue();
        List<String> documented = Pattern.compile("`([a-z-]+)`").matcher(row.group(1)).results().map(m -> m.group(1)).toList();
        assertThat(CommandKind.values()).extracting(CommandKind::tag).containsExactlyElementsOf(documented);
    }

    /**
     * What a key's request hash is for one request of each kind, computed outside Java (sha256sum of the form
     * written by hand): a hash kind renamed would leave every stored key of its kind unanswerable.
     */
    @Test
    void eachKindHashesItsRequestsAsStoredKeysWereHashed() {
        for (CommandKind kind : CommandKind.values()) {
            Object[] request = switch (kind) {
                case RECEIVE -> new Object[] {new ReceiveDemand("D-1", AT, new Jurisdiction("US"), "FBI", LegalProcess.SUBPOENA, List.of()),
                        "0c3ca82f69e695e8685d25bebb94fd80da51b8d9b9ac5ba4b04436c7e70fd20c"};
                case SUBSCRIBER_DISCLOSURE -> new Object[] {new DiscloseSubscriberData("D-1", AT),
                        "daa23839b0a9e4c7bcfddae640bd1ee51e59685f1393c847656ae1d76437ded5"};
                case CONTENT_DISCLOSURE -> new Object[] {new DiscloseContent("D-1", AT),
                        "652a5aad092547eaca239c57cc9fa0a1fc95114734cb21ef05acf1299ec536d9"};
                case NO_DATA_FOUND -> new Object[] {new RecordNoDataFound("D-1", AT),
                        "02e2102b292a5d59861ad470628d8d1d41cebb2e063d5454ed1687ec2d29b83d"};
                case REJECTION -> new Object[] {new RejectDemand("D-1", AT, RejectionReason.OVERBROAD),
                        "13accac5fa72c57969ecd1a3907e15ecd820ef552549946acf859e7ea434ba5a"};
                case CORRECTION -> new Object[] {new CorrectDemand("D-1", null, new Jurisdiction("GB"), null, null, null),
                        "a247543b7be1c92c53cf41c1069eb06111f0347ca2954033ee48df959fd5b514"};
                case DEADLINE -> new Object[] {new SetDeadline("D-1", AT),
                        "0cab1b9a4016ab7d74729856f246af3035b5377e4342e0dd6498f45e5899b6a2"};
                case ASSIGNMENT -> new Object[] {new AssignDemand("D-1", "alice"),
                        "047f05aacc1d1fa94b716fca5d0398296af2c7fe30dbfa5bcebee2aeb20258eb"};
                case NON_DISCLOSURE_ORDER -> new Object[] {new RecordNonDisclosureOrder("D-1", AT, null),
                        "b76a2d7d884afe578df366778d473a7bdd05393fbf5f042e88839b3d92795e64"};
                case USER_NOTICE -> new Object[] {new NotifyUser("D-1", AT),
                        "19088ad4e2bb1da00210b1ab1132802f8b66794aad402bb43eb9f69aa3413b15"};
            };
            assertThat(RequestHash.of(kind.hashed(), request[0])).as(kind.toString()).isEqualTo(request[1]);
        }
    }

    @Test
    void aKindIsFoundByItsOpAndItsPath() {
        for (CommandKind kind : CommandKind.values()) {
            assertThat(CommandKind.ofOp(kind.op())).contains(kind);
            assertThat(CommandKind.ofPath(kind.path())).contains(kind);
        }
        assertThat(CommandKind.ofOp("subscriber-disclosure")).as("a tag is no op").isEmpty();
        assertThat(CommandKind.RECEIVE.pathFor("d-1")).isEqualTo("/api/demands");
        assertThat(CommandKind.USER_NOTICE.pathFor("a%20b")).isEqualTo("/api/demands/a%20b/user-notice");
    }

    @Test
    void everyKindIsCountedFromTheControllersOwnHandler() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CommandCounts(registry); // refuses to start if a kind has no handler, or a handler no kind
        for (CommandKind kind : CommandKind.values()) {
            for (String outcome : CommandCounts.OUTCOMES) {
                assertThat(registry.find("ledger.commands").tags("kind", kind.tag(), "outcome", outcome).counter())
                        .as("%s %s", kind, outcome).isNotNull().extracting(Counter::count).isEqualTo(0.0);
            }
        }
        assertThat(registry.getMeters()).hasSize(CommandKind.values().length * CommandCounts.OUTCOMES.length);
        assertThat(Arrays.stream(DemandController.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(org.springframework.web.bind.annotation.PostMapping.class))).hasSize(CommandKind.values().length);
    }
}
