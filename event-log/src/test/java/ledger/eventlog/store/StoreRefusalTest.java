package ledger.eventlog.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import java.util.List;
import java.util.Set;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** The refusals read from MongoDB's errors however the driver and Axon wrap them, and nothing else taken for one. */
class StoreRefusalTest {

    private static MongoCommandException command(int code, String codeName, String message) {
        BsonDocument response = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(codeName)).append("errmsg", new BsonString(message));
        return new MongoCommandException(response, new ServerAddress());
    }

    @Test
    void aCommandErrorOfCode14031IsADiskFullHoweverWrapped() {
        MongoCommandException full = command(14031, "OutOfDiskSpace", "disk full: no space left");
        assertThat(StoreRefusal.of(full)).contains(StoreRefusal.DISK_FULL);
        assertThat(StoreRefusal.of(new EventStoreException("an event could not be persisted", full))).contains(StoreRefusal.DISK_FULL);
        assertThat(StoreRefusal.of(new CommandExecutionException("command failed", new EventStoreException("x", full))))
                .contains(StoreRefusal.DISK_FULL);
    }

    @Test
    void writeErrorsAndBulkWriteErrorsAreReadToo() {
        MongoWriteException write = new MongoWriteException(new WriteError(14031, "disk full", new BsonDocument()), new ServerAddress(), Set.of());
        assertThat(StoreRefusal.of(write)).contains(StoreRefusal.DISK_FULL);
        MongoBulkWriteException bulk = new MongoBulkWriteException(BulkWriteResult.unacknowledged(),
                List.of(new BulkWriteError(96, "store halted: a sync failed", new BsonDocument(), 0)), null, new ServerAddress(), Set.of());
        assertThat(StoreRefusal.of(new RuntimeException(bulk))).contains(StoreRefusal.STORE_HALTED);
    }

    @Test
    void code96IsAHaltedStoreOnlyWithItsMessage() {
        assertThat(StoreRefusal.of(command(96, "OperationFailed", "store halted: an fsync failed; restart the store")))
                .contains(StoreRefusal.STORE_HALTED);
        assertThat(StoreRefusal.of(command(96, "OperationFailed", "Store Halted after a failed sync"))).contains(StoreRefusal.STORE_HALTED);
        assertThat(StoreRefusal.of(command(96, "OperationFailed", "cursor was killed"))).isEmpty();
    }

    @Test
    void otherFaultsAreNoRefusal() {
        assertThat(StoreRefusal.of(command(11000, "DuplicateKey", "E11000 duplicate key"))).isEmpty();
        assertThat(StoreRefusal.of(new IllegalStateException("disk full"))).isEmpty();
        RuntimeException looped = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", looped);
        looped.initCause(other);
        assertThat(StoreRefusal.of(looped)).isEmpty();
    }

    @Test
    void theAnswersSayWhatHappenedAndThatNothingWasStored() {
        assertThat(StoreRefusal.DISK_FULL.status()).isEqualTo(507);
        assertThat(StoreRefusal.DISK_FULL.detail()).contains("disk is full", "nothing was stored");
        assertThat(StoreRefusal.STORE_HALTED.status()).isEqualTo(503);
        assertThat(StoreRefusal.STORE_HALTED.detail()).contains("stopped taking writes", "restart", "nothing was stored");
        assertThat(StoreRefusal.DISK_FULL.retryAfterSeconds()).isPositive();
        assertThat(StoreRefusal.STORE_HALTED.retryAfterSeconds()).isPositive();
    }
}
