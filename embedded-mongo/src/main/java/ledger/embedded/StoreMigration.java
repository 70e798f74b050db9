package ledger.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data folders written before the store kept BSON hold {@value #LEGACY_FILE} in mongo-java-server's own
 * format (Java-serialized documents). The first start copies it, map by map, into the BSON file; the copy is
 * built under a temporary name and renamed when complete, so an interrupted migration is simply redone. The
 * legacy file is kept beside it, renamed, for whoever wants to delete it.
 */
final class StoreMigration {

    static final String LEGACY_FILE = "ledger.mv";
    private static final Logger log = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {
    }

    static void migrateIfNeeded(Path dataDir) throws java.io.IOException {
        Path legacy = dataDir.resolve(LEGACY_FILE);
        Path target = dataDir.resolve(EmbeddedMongo.FILE);
        if (!Files.exists(legacy) || Files.exists(target)) {
            return;
        }
        Path partial = dataDir.resolve(EmbeddedMongo.FILE + ".migrating");
        Files.deleteIfExists(partial);
        long start = System.nanoTime();
        long documents = 0;
        MVStore from = new MVStore.Builder().fileName(legacy.toString()).readOnly().open();
        try {
            MVStore to = EmbeddedMongo.open(partial);
            try {
                for (String name : from.getMapNames()) {
                    if (name.startsWith(CompactDatabase.DATABASES_PREFIX)) {
                        MVMap<Object, Object> source = from.openMap(name);
                        documents += copy(source, CompactDatabase.documents(to, name));
                    } else if (name.contains(CompactDatabase.INDEX_INFIX)) {
                        MVMap<KeyValue, Object> source = from.openMap(name);
                        copy(source, CompactDatabase.indexKeys(to, name));
                    } else {
                        MVMap<Object, Object> source = from.openMap(name);
                        copy(source, to.openMap(name));
                    }
                    to.commit();
                }
            } finally {
                EmbeddedMongo.closeCompacted(to);
            }
        } finally {
            from.close();
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        Path kept = dataDir.resolve(LEGACY_FILE + ".migrated");
        Files.move(legacy, kept, StandardCopyOption.REPLACE_EXISTING);
        log.info("migrated {} documents from {} to {} in {} ms; the old file is kept as {} and may be deleted",
                documents, legacy, target, (System.nanoTime() - start) / 1_000_000, kept);
    }

    private static <K, V> long copy(MVMap<K, V> source, MVMap<K, V> target) {
        long count = 0;
        for (Map.Entry<K, V> entry : source.entrySet()) {
            target.put(entry.getKey(), entry.getValue());
            count++;
        }
        return count;
    }
}
