package ledger.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 file's side of the log: what a checkpoint marks, and what it says when it finds no room. */
class CheckpointsTest {

    @TempDir
    Path dataDir;

    private final List<String> halts = new ArrayList<>();

    private MVStore open() {
        return new MVStore.Builder().fileName(dataDir.resolve("store.mv").toString()).autoCommitDisabled().open();
    }

    private Checkpoints checkpoints(MVStore store, boolean spaceCheck) {
        return new Checkpoints(store, new WalSegments(dataDir, WalFixture.SEGMENT_BYTES, WalSegments.FILES), spaceCheck,
                (why, cause) -> halts.add(why));
    }

    @Test
    void aStoredCheckpointMarksTheLastCommandItHoldsAcrossARestart() {
        MVStore store = open();
        Checkpoints checkpoints = checkpoints(store, true);
        assertThat(checkpoints.last()).isZero();
        assertThat(checkpoints.name()).isEqualTo("store.mv");
        store.openMap("rows").put("a", "1");
        assertThat(checkpoints.noRoom()).as("a temporary folder has room for a few bytes").isNull();
        checkpoints.store(7);
        checkpoints.sync();
        store.close();

        MVStore reopened = open();
        try {
            assertThat(checkpoints(reopened, true).last()).isEqualTo(7);
            assertThat(reopened.<String, String>openMap("rows").get("a")).isEqualTo("1");
        } finally {
            reopened.close();
        }
        assertThat(halts).isEmpty();
    }

    @Test
    void noRoomSaysWhatTheCheckpointNeedsAndTheLogClearsItsBlockByItsStart() {
        assertThat(Checkpoints.noRoom("ledger.mv", 2048, 1024))
                .isEqualTo("the checkpoint of ledger.mv needs about 2048 bytes, the file system has 1024")
                .startsWith(Checkpoints.NO_ROOM);
    }
}
