package ledger.query.projection;

import ledger.eventlog.MongoEventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Figures written by an earlier build (before the tables by legal process, or the handling table) are rebuilt
 * from the log up to their position into a fresh generation, which is then served: nothing is ever folded into
 * documents of another layout, and until the switch their readers are told the newer tables are not there yet.
 * Runs under the generations' monitor, held for a replay's build: batches wait rather than fold into the old layout.
 */
final class LayoutUpgrade {

    private static final Logger log = LoggerFactory.getLogger(LayoutUpgrade.class);

    private final Generations generations;
    private final MongoEventLog eventLog;
    /** The generation last found laid out as this build writes it: checked once, not per batch. */
    private String checked;

    LayoutUpgrade(Generations generations, MongoEventLog eventLog) {
        this.generations = generations;
        this.eventLog = eventLog;
    }

    /** The served generation, rebuilt first if it is of an earlier layout. */
    FiguresStore served() {
        FiguresStore current = generations.servedNow();
        if (current.generation().equals(checked)) {
            return current;
        }
        if (!current.ofCurrentShape()) {
            long position = current.position();
            String generation = "s" + FiguresStore.SHAPE + "x" + Long.toString(System.currentTimeMillis(), 36);
            log.info("generation {} was written by an earlier build (without the tables by legal process or the handling table): "
                    + "rebuilding it from the log "
                    + "up to position {} into generation {}", current.generation(), position, generation);
            GenerationBuilder.build(eventLog, generations.generation(generation), position, events -> {
            });
            generations.serve(generation);
            generations.retire(current);
            current = generations.servedNow();
        }
        checked = current.generation();
        return current;
    }
}
