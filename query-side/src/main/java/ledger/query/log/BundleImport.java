package ledger.query.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import ledger.logbundle.LogRecord;
import ledger.eventlog.MongoEventLog;
import ledger.eventlog.StoredEvent;
import ledger.query.Problems;
import ledger.query.projection.FiguresProjection;
import ledger.query.projection.ProjectionTarget;
import java.util.Optional;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/log/import}: a bundle into an empty ledger. The body is kept in a temporary file; a first pass
 * checks the whole chain and that every line can be stored so that the stored event gives the same record (and
 * hash) again; only then a second pass stores every event at its position, with its hash, actor and
 * {@code recordedAt}, in inserts of many commits. The projections then build as after a replay.
 */
@Component
class BundleImport {

    private static final Logger log = LoggerFactory.getLogger(BundleImport.class);
    private static final int BATCH = 1000;

    private final MongoEventLog eventLog;
    private final Serializer serializer;
    private final ProjectionTarget figures;
    private final EventProcessingConfiguration processing;
    private final BundleEvents events = new BundleEvents();

    BundleImport(MongoEventLog eventLog, @Qualifier("eventSerializer") Serializer serializer, ProjectionTarget figures,
                 EventProcessingConfiguration processing) {
        this.eventLog = eventLog;
        this.serializer = serializer;
        this.figures = figures;
        this.processing = processing;
    }

    record Imported(long position, String hash) {
    }

    Imported run(InputStream body) throws IOException {
        refuseUnlessEmpty();
        Path file = Files.createTempFile("ledger-import-", ".bundle");
        try {
            Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
            long started = System.nanoTime();
            Imported checked = pass(file, false);
            long stored = System.nanoTime();
            refuseUnlessEmpty();
            // this instance's projection paused meanwhile: it would fold the events one batch at a time while they
            // are stored (and hold the inserts up with its writes), and the replay that follows folds them all anyway
            Optional<StreamingEventProcessor> projection = processing.eventProcessor(FiguresProjection.PROCESSOR, StreamingEventProcessor.class);
            projection.ifPresent(StreamingEventProcessor::shutDown);
            try {
                pass(file, true);
                figures.requestReplay();
            } finally {
                projection.ifPresent(StreamingEventProcessor::start);
            }
            log.info("imported a bundle of {} events (checked in {} ms, then read again and stored in {} ms), head {}; the "
                    + "projections build as after a replay", checked.position(), (stored - started) / 1_000_000,
                    (System.nanoTime() - stored) / 1_000_000, checked.hash());
            return checked;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void refuseUnlessEmpty() {
        if (!eventLog.isEmpty()) {
            throw Problems.refused(HttpStatus.CONFLICT, "Ledger not empty",
                    "a bundle is imported into an empty ledger only; this one holds events up to position " + eventLog.headPosition(), "log");
        }
    }

    /** Reads the bundle through; with {@code store}, stores it too (only after a pass without it found no fault). */
    private Imported pass(Path file, boolean store) throws IOException {
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
                    insert(batch);
                }
                if (batch.size() == BATCH) {
                    batch.clear();
                }
            }
            if (reader.position() == 0) {
                throw new BundleBroken(1, "the bundle holds no event");
            }
            if (store) {
                insert(batch);
            }
            return new Imported(reader.position(), LogRecord.text(reader.hash()));
        } catch (BundleBroken e) {
            throw Problems.refused(HttpStatus.UNPROCESSABLE_ENTITY, "Broken bundle",
                    "line " + e.line() + ": " + e.reason() + "; nothing was stored", "line " + e.line());
        }
    }

    private void insert(List<StoredEvent> batch) {
        try {
            eventLog.insertImported(batch);
        } catch (com.mongodb.MongoWriteException | com.mongodb.MongoBulkWriteException e) {
            throw Problems.refused(HttpStatus.CONFLICT, "Ledger written meanwhile",
                    "something was appended while the bundle was being stored (" + e.getMessage() + "); the log holds the bundle "
                            + "up to position " + (batch.get(0).position() - 1) + " and what was appended", "log");
        }
        batch.clear();
    }

    /**
     * The event as it will be stored: the payload serialized as the command side serializes it, the actor in its
     * metadata. Its record, recomputed from these stored fields, must give the line's hash again.
     */
    private StoredEvent stored(BundleRecord record) throws BundleBroken {
        SerializedObject<String> payload;
        try {
            payload = serializer.serialize(events.event(record.type(), record.payload()), String.class);
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
        // the line's hash covers the record as the line has it (the bytes the reader hashed): the stored event must
        // give the same record again, as the export would write it
        if (!Arrays.equals(event.record().canonical(record.position()), record.canonical())) {
            throw new BundleBroken(record.line(), "the payload is not in the form the ledger stores and exports (log-bundle.md)");
        }
        return event;
    }
}
