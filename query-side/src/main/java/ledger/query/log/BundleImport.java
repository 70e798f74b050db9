package ledger.query.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import ledger.eventlog.MongoEventLog;
import ledger.logbundle.BundleBroken;
import ledger.logbundle.LogRecord;
import ledger.query.Problems;
import ledger.query.projection.FiguresProjection;
import ledger.query.replay.ReplayCoordinator;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/log/import}: a bundle into an empty ledger. The body is kept in a temporary file, which the
 * event log checks whole and only then stores ({@link MongoEventLog#importBundle}: the log is its only writer);
 * the projections then build as after a replay.
 */
@Component
class BundleImport {

    private static final Logger log = LoggerFactory.getLogger(BundleImport.class);

    private final MongoEventLog eventLog;
    private final ReplayCoordinator replays;
    private final EventProcessingConfiguration processing;

    BundleImport(MongoEventLog eventLog, ReplayCoordinator replays, EventProcessingConfiguration processing) {
        this.eventLog = eventLog;
        this.replays = replays;
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
            long[] stored = {0};
            // this instance's projection paused meanwhile: it would fold the events one batch at a time while they
            // are stored (and hold the inserts up with its writes), and the replay that follows folds them all anyway
            Optional<StreamingEventProcessor> projection = processing.eventProcessor(FiguresProjection.PROCESSOR, StreamingEventProcessor.class);
            MongoEventLog.Imported imported;
            try {
                imported = eventLog.importBundle(file, () -> {
                    stored[0] = System.nanoTime();
                    projection.ifPresent(StreamingEventProcessor::shutDown);
                });
                replays.request();
            } catch (BundleBroken e) {
                throw Problems.refused(HttpStatus.UNPROCESSABLE_ENTITY, "Broken bundle",
                        "line " + e.line() + ": " + e.reason() + "; nothing was stored", "line " + e.line());
            } catch (MongoEventLog.NotEmpty e) {
                throw notEmpty(e.head());
            } catch (MongoEventLog.WrittenMeanwhile e) {
                throw Problems.refused(HttpStatus.CONFLICT, "Ledger written meanwhile",
                        "something was appended while the bundle was being stored (" + e.getMessage() + "); the log holds the bundle "
                                + "up to position " + e.storedTo() + " and what was appended", "log");
            } finally {
                if (stored[0] != 0) {
                    projection.ifPresent(StreamingEventProcessor::start);
                }
            }
            Imported checked = new Imported(imported.position(), LogRecord.text(imported.hash()));
            log.info("imported a bundle of {} events (checked in {} ms, then read again and stored in {} ms), head {}; the "
                    + "projections build as after a replay", checked.position(), (stored[0] - started) / 1_000_000,
                    (System.nanoTime() - stored[0]) / 1_000_000, checked.hash());
            return checked;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void refuseUnlessEmpty() {
        if (!eventLog.isEmpty()) {
            throw notEmpty(eventLog.headPosition());
        }
    }

    private static RuntimeException notEmpty(long head) {
        return Problems.refused(HttpStatus.CONFLICT, "Ledger not empty",
                "a bundle is imported into an empty ledger only; this one holds events up to position " + head, "log");
    }
}
