package ledger.eventlog;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An in-process MongoDB (mongo-java-server's memory backend) whose writes can be made to fail with a command error
 * of a given code, as a store whose disk is full (14031 OutOfDiskSpace) or that halted (96 OperationFailed, "store
 * halted ...") answers: all writes, or those to collections a predicate picks. Reads always answer.
 */
public final class RefusingBackend extends MemoryBackend {

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "create", "createindexes", "drop");

    private record Refusal(int code, String codeName, String message, Predicate<String> collections) {
    }

    private volatile Refusal refusal;

    /** Every write fails with this error until {@link #accept()}. */
    public void refuse(int code, String codeName, String message) {
        refuse(code, codeName, message, collection -> true);
    }

    /** Writes to the collections {@code which} picks fail with this error until {@link #accept()}. */
    public void refuse(int code, String codeName, String message, Predicate<String> which) {
        refusal = new Refusal(code, codeName, message, which);
    }

    /** Space freed, or the store restarted: writes succeed again. */
    public void accept() {
        refusal = null;
    }

    public static void diskFull(RefusingBackend backend) {
        backend.refuse(14031, "OutOfDiskSpace", "disk full: the data folder has no space left for this write");
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Refusal now = refusal;
        if (now != null && WRITES.contains(command.toLowerCase(java.util.Locale.ROOT))) {
            Object collection = query.get(command);
            if (now.collections().test(String.valueOf(collection))) {
                throw new MongoServerError(now.code(), now.codeName(), now.message());
            }
        }
        return super.handleCommand(channel, databaseName, command, query);
    }
}
