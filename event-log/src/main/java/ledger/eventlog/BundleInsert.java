package ledger.eventlog;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.BundleEvents;
import ledger.logbundle.BundleReader;
import ledger.logbundle.BundleRecord;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.bson.Document;

/**
 * Imports a bundle ({@code log-bundle.md}) into an empty log: a first pass checks the whole chain and that every
 * line can be stored so that the stored event gives the same record (and hash) again; only then a second pass
 * stores every event at its position, with its hash, actor and {@code recordedAt}, in inserts of many commits.
 */
final class BundleInsert {

    private static final int BATCH = 1000;

    private final MongoCollection<Document> commits;
    private final LogEnd end;
    private final Serializer serializer;
    private final BundleEvents events = new BundleEvents();

    BundleInsert(MongoCollection<Document> commits, LogEnd end, Serializer serializer) {
        this.commits = commits;
        this.end = end;
        this.serializer = serializer;
    }

    /** Whether the log holds no event at all (where an import may go). */
    boolean logIsEmpty() {
        return commits.find().limit(1).first() == null;
    }

    /** The bundle in {@code file} checked, then (after {@code beforeStoring}) stored; see the class comment. */
    MongoEventLog.Imported importBundle(Path file, Runnable beforeStoring) throws IOException, BundleBroken {
        refuseUnlessEmpty();
        MongoEventLog.Imported checked = pass(file, false);
        refuseUnlessEmpty();
        beforeStoring.run();
        pass(file, true);
        return checked;
    }

    private void refuseUnlessEmpty() {
        if (!logIsEmpty()) {
            throw new MongoEventLog.NotEmpty(end.position());
        }
    }

    /** Reads the bundle through; with {@code store}, stores it too (only after a pass without it found no fault). */
    private MongoEventLog.Imported pass(Path file, boolean store) throws IOException, BundleBroken {
        Map<String, Long> nextSequence = new HashMap<>();
        List<StoredEvent> batch = new ArrayList<>(BATCH);
        try (InputStream in = Files.newInputStream(file); BundleReader reader = new BundleReader(in)) {
            BundleRecord record;
            while ((record = reader.next()) != null) {
                long expected = nextSequence.getOrDefault(record.demandId(), 0L);
                if (record.sequence() != expected) {
                    throw new BundleBroken(record.line(), "sequence " + record.sequence() + " of demand '" + record.demandId()
                            + "' where " + expected + " was expected");
                }
                nextSequence.put(record.demandId(), expected + 1);
                batch.add(stored(record));
                if (batch.size() == BATCH && store) {
                    insertBatch(batch);
                }
                if (batch.size() == BATCH) {
                    batch.clear();
                }
            }
            if (reader.position() == 0) {
                throw new BundleBroken(1, "the bundle holds no event");
            }
            if (store) {
                insertBatch(batch);
            }
            return new MongoEventLog.Imported(reader.position(), reader.hash());
        }
    }

    private void insertBatch(List<StoredEvent> batch) {
        try {
            insert(batch);
        } catch (MongoWriteException | MongoBulkWriteException e) {
            throw new MongoEventLog.WrittenMeanwhile(batch.get(0).position() - 1, e);
        }
        batch.clear();
    }

    /**
     * The event as it will be stored: the payload serialized as the command side serializes it, the actor in its
     * metadata. Its record, from these stored fields as the export computes it, must be the bytes the line's hash
     * covers (the reader's).
     */
    private StoredEvent stored(BundleRecord record) throws BundleBroken {
        Object read = events.event(record);
        SerializedObject<String> payload;
        try {
            payload = serializer.serialize(read, String.class);
        } catch (IllegalArgumentException e) {
            throw new BundleBroken(record.line(), e.getMessage());
        }
        if (!record.revision().equals(payload.getType().getRevision())) {
            throw new BundleBroken(record.line(), "revision '" + record.revision() + "' of " + record.type() + " where the ledger has '"
                    + payload.getType().getRevision() + "'");
        }
        String metaData = serializer.serialize(record.actor() == null ? MetaData.emptyInstance() : MetaData.with("actor", record.actor()),
                String.class).getData();
        StoredEvent event = new StoredEvent(record.position(), UUID.nameUUIDFromBytes(record.hash()).toString(), "Demand",
                record.demandId(), record.sequence(), payload.getType().getName(), payload.getType().getRevision(),
                record.recordedAt(), payload.getData(), metaData, record.hash());
        if (!Arrays.equals(event.record().canonical(record.position()), record.canonical())) {
            throw new BundleBroken(record.line(), "the payload is not in the form the ledger stores and exports (log-bundle.md)");
        }
        return event;
    }

    /** The events must follow the end of this log; a collision (something appended meanwhile) fails the insert. */
    void insert(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<Document> documents = new ArrayList<>(events.size());
        for (StoredEvent e : events) {
            documents.add(CommitLayout.imported(e));
        }
        commits.insertMany(documents, new InsertManyOptions().ordered(true));
        StoredEvent last = events.get(events.size() - 1);
        end.reached(last.position());
        end.rememberCommitEnd(last.position());
        end.writeHint(last.position());
    }
}
