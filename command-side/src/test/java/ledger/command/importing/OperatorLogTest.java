package ledger.command.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a log's lines become commands and keys: what an import sends, whatever the file looks like. */
class OperatorLogTest {

    private static final String RECEIVE = "{\"op\":\"receive\",\"demandId\":\"2014-H1-US-1\",\"receivedAt\":\"2014-03-02T10:15:00Z\","
            + "\"jurisdiction\":\"US\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\"a@example.org\"]}";
    private static final String DISCLOSE = "{\"op\":\"disclose-subscriber\",\"demandId\":\"2014-H1-US-1\",\"occurredAt\":\"2014-03-05T09:00:00Z\"}";

    @TempDir
    Path dir;

    @Test
    void theSameContentGzippedOrNotHasTheSameKeysAndAnotherContentOthers() throws Exception {
        String text = RECEIVE + "\n" + DISCLOSE + "\n";
        Path plain = Files.writeString(dir.resolve("log.jsonl"), text);
        Path gzipped = dir.resolve("log.gz-without-the-name");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        OperatorLog.Contents a = new OperatorLog(plain).read();
        OperatorLog.Contents b = new OperatorLog(gzipped).read();
        assertThat(a.commands()).isEqualTo(2);
        assertThat(b).isEqualTo(a);
        assertThat(a.key(2)).matches("import-[0-9a-f]{16}-2");
        assertThat(commands(gzipped)).extracting(OperatorLog.Command::path).containsExactlyElementsOf(
                commands(plain).stream().map(OperatorLog.Command::path).toList());
        Path other = Files.writeString(dir.resolve("other.jsonl"), text + DISCLOSE + "\n");
        assertThat(new OperatorLog(other).read().key(2)).isNotEqualTo(a.key(2));
    }

    @Test
    void lineNumbersCountEveryLineBlankOnesTooWhateverTheLineEnds() throws Exception {
        Path file = Files.writeString(dir.resolve("log.jsonl"), "\r\n" + RECEIVE + "\r\n  \n" + DISCLOSE); // no last \n
        assertThat(new OperatorLog(file).read().commands()).isEqualTo(2);
        List<OperatorLog.Command> commands = commands(file);
        assertThat(commands).extracting(OperatorLog.Command::lineNumber).containsExactly(2L, 4L);
    }

    @Test
    void eachOpGoesToItsPathWithTheRestAsItsBody() throws Exception {
        Path file = Files.writeString(dir.resolve("log.jsonl"), String.join("\n", RECEIVE, DISCLOSE,
                "{\"op\":\"disclose-content\",\"demandId\":\"x\",\"occurredAt\":\"t\"}",
                "{\"op\":\"no-data\",\"demandId\":\"x\",\"occurredAt\":\"t\"}",
                "{\"op\":\"reject\",\"demandId\":\"x\",\"occurredAt\":\"t\"}",
                "{\"op\":\"correct\",\"demandId\":\"a b/c\",\"jurisdiction\":\"DE\"}"));
        List<OperatorLog.Command> commands = commands(file);
        assertThat(commands).extracting(OperatorLog.Command::path).containsExactly("/api/demands",
                "/api/demands/2014-H1-US-1/subscriber-disclosures", "/api/demands/x/content-disclosures",
                "/api/demands/x/no-data-found", "/api/demands/x/rejection", "/api/demands/a%20b%2Fc/corrections");
        assertThat(body(commands.get(0))).isEqualTo(RECEIVE.replace("\"op\":\"receive\",", ""));
        assertThat(body(commands.get(1))).isEqualTo("{\"occurredAt\":\"2014-03-05T09:00:00Z\"}");
        // a missing reason is the ledger's to refuse, named in its answer
        assertThat(body(commands.get(4))).isEqualTo("{\"occurredAt\":\"t\"}");
        assertThat(body(commands.get(5))).isEqualTo("{\"jurisdiction\":\"DE\"}");
        assertThat(commands.get(5).demandId()).isEqualTo("a b/c");
    }

    /** tracking.md's ops, as the acceptance client's ROUTES map them; a null stays in the body (unassign, indefinite). */
    @Test
    void theTrackingOpsGoToTheirPaths() throws Exception {
        Path file = Files.writeString(dir.resolve("log.jsonl"), String.join("\n",
                "{\"op\":\"receive\",\"demandId\":\"d\",\"receivedAt\":\"2025-07-01T04:25:11Z\",\"dueAt\":\"2025-07-08T04:25:11Z\"}",
                "{\"op\":\"deadline\",\"demandId\":\"d\",\"dueAt\":\"2025-07-21T05:19:27Z\"}",
                "{\"op\":\"assign\",\"demandId\":\"d\",\"assignee\":null}",
                "{\"op\":\"non-disclosure-order\",\"demandId\":\"d\",\"occurredAt\":\"2025-07-01T04:25:12Z\",\"until\":null}",
                "{\"op\":\"user-notice\",\"demandId\":\"d\",\"occurredAt\":\"2025-08-12T04:25:11Z\"}"));
        List<OperatorLog.Command> commands = commands(file);
        assertThat(commands).extracting(OperatorLog.Command::path).containsExactly("/api/demands", "/api/demands/d/deadline",
                "/api/demands/d/assignment", "/api/demands/d/non-disclosure-order", "/api/demands/d/user-notice");
        assertThat(body(commands.get(0))).contains("\"dueAt\":\"2025-07-08T04:25:11Z\"");
        assertThat(body(commands.get(1))).isEqualTo("{\"dueAt\":\"2025-07-21T05:19:27Z\"}");
        assertThat(body(commands.get(2))).isEqualTo("{\"assignee\":null}");
        assertThat(body(commands.get(3))).isEqualTo("{\"occurredAt\":\"2025-07-01T04:25:12Z\",\"until\":null}");
        assertThat(body(commands.get(4))).isEqualTo("{\"occurredAt\":\"2025-08-12T04:25:11Z\"}");
    }

    @Test
    void aLineThatIsNoCommandSaysWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("log.jsonl"), String.join("\n", "{\"op\":\"receive\",", "[1]",
                "{\"demandId\":\"x\"}", "{\"op\":\"fly\",\"demandId\":\"x\"}", "{\"op\":\"no-data\"}"));
        try (OperatorLog.Lines lines = new OperatorLog(file).lines()) {
            for (String why : List.of("not JSON", "not a JSON object", "no \"op\"", "op 'fly' is none of", "no \"demandId\"")) {
                assertThat(lines.next()).isTrue();
                assertThatThrownBy(lines::command).isInstanceOf(OperatorLog.Unreadable.class).hasMessageContaining(why);
            }
            assertThat(lines.next()).isFalse();
        }
    }

    private static List<OperatorLog.Command> commands(Path file) throws Exception {
        List<OperatorLog.Command> commands = new ArrayList<>();
        try (OperatorLog.Lines lines = new OperatorLog(file).lines()) {
            while (lines.next()) {
                if (!lines.blank()) {
                    commands.add(lines.command());
                }
            }
        }
        return commands;
    }

    private static String body(OperatorLog.Command command) {
        return new String(command.body(), StandardCharsets.UTF_8);
    }
}
