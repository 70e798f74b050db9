package ledger.eventlog.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.WriteConcernError;
import com.mongodb.bulk.BulkWriteError;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Why the store refused a write, read from a MongoDB error wherever it is in a cause chain (the driver's write and
 * command exceptions, wrapped by Axon or not): its disk is full (code 14031, OutOfDiskSpace, as MongoDB and the
 * embedded server answer; writes succeed again once space is freed), or the embedded server halted after a failed
 * sync (code 96 with a message beginning "store halted"; it takes writes again only once restarted). Either way
 * nothing of the write was stored.
 */
public enum StoreRefusal {

    DISK_FULL("disk_full", 507, "Insufficient Storage",
            "the ledger's disk is full: nothing was stored; send the request again once the operator has freed space", 10),
    STORE_HALTED("store_halted", 503, "Store halted",
            "the ledger's store stopped taking writes after a failed write to its disk and needs a restart: nothing was stored; "
                    + "send the request again once it is back", 30);

    static final int OUT_OF_DISK_SPACE = 14031;
    static final int OPERATION_FAILED = 96;
    private static final String HALTED = "store halted";

    private final String reason;
    private final int status;
    private final String title;
    private final String detail;
    private final int retryAfterSeconds;

    StoreRefusal(String reason, int status, String title, String detail, int retryAfterSeconds) {
        this.reason = reason;
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The refusal a fault is, or one of its causes; empty for any other fault. */
    public static Optional<StoreRefusal> of(Throwable fault) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = fault; t != null && seen.add(t); t = t.getCause()) {
            StoreRefusal refusal = ofOne(t);
            if (refusal != null) {
                return Optional.of(refusal);
            }
        }
        return Optional.empty();
    }

    private static StoreRefusal ofOne(Throwable t) {
        if (t instanceof MongoBulkWriteException bulk) {
            for (BulkWriteError error : bulk.getWriteErrors()) {
                StoreRefusal refusal = of(error.getCode(), error.getMessage());
                if (refusal != null) {
                    return refusal;
                }
            }
            WriteConcernError concern = bulk.getWriteConcernError();
            return concern == null ? null : of(concern.getCode(), concern.getMessage());
        }
        if (t instanceof MongoWriteException write) {
            return of(write.getError().getCode(), write.getError().getMessage());
        }
        if (t instanceof MongoWriteConcernException concern) {
            return of(concern.getWriteConcernError().getCode(), concern.getWriteConcernError().getMessage());
        }
        if (t instanceof MongoCommandException command) {
            return of(command.getErrorCode(), command.getErrorMessage());
        }
        if (t instanceof MongoServerException server) {
            return of(server.getCode(), server.getMessage());
        }
        return null;
    }

    /** By code; 96 (OperationFailed) is many things in MongoDB, and a halted store only with its message. */
    static StoreRefusal of(int code, String message) {
        if (code == OUT_OF_DISK_SPACE) {
            return DISK_FULL;
        }
        if (code == OPERATION_FAILED && message != null && message.regionMatches(true, 0, HALTED, 0, HALTED.length())) {
            return STORE_HALTED;
        }
        return null;
    }

    /** As metrics and logs name it: {@code disk_full}, {@code store_halted}. */
    public String reason() {
        return reason;
    }

    /** The HTTP status a refused request answers: 507, or 503 for a halted store. */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** What a refused request's problem detail says: what happened, that nothing was stored, and what to do. */
    public String detail() {
        return detail;
    }

    /** The {@code Retry-After} a refused request answers. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
