package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/**
 * A write (or a read of what is not durable) the store refuses, answered as MongoDB's own command error: the
 * disk is full ({@value #OUT_OF_DISK_SPACE}, writes resume once space is freed) or the store is halted
 * ({@value #OPERATION_FAILED}, after a failed sync: a restart recovers what is on disk).
 */
final class StoreRefusal extends MongoServerError {

    static final int OUT_OF_DISK_SPACE = 14031;
    static final int OPERATION_FAILED = 96;

    private StoreRefusal(int code, String codeName, String message) {
        super(code, codeName, message);
        setLogError(false);
    }

    static StoreRefusal diskFull(String what) {
        return new StoreRefusal(OUT_OF_DISK_SPACE, "OutOfDiskSpace", "disk full: " + what);
    }

    static StoreRefusal halted(String why) {
        return new StoreRefusal(OPERATION_FAILED, "OperationFailed", "store halted: " + why + "; restart to recover what is on disk");
    }

    /** A write whose log record could not fit in a segment (no space is missing: it is refused as too large). */
    static StoreRefusal tooLarge(String why) {
        return new StoreRefusal(10334, "BSONObjectTooLarge", why);
    }

    /** The command's answer: {@code {ok: 0, errmsg, code, codeName}}. */
    Document reply() {
        return new Document("ok", 0.0).append("errmsg", getMessageWithoutErrorCode()).append("code", getCode())
                .append("codeName", getCodeName());
    }
}
