package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Lookups by the commits' unique keys: the Idempotency-Key a commit was stored under ({@code idem}), and a
 * demand's first commit ({@code stream} at sequence 0). Exact matches, which the embedded server answers from
 * its index.
 */
final class IdempotencyKeys {

    private final MongoCollection<Document> commits;

    IdempotencyKeys(MongoCollection<Document> commits) {
        this.commits = commits;
    }

    /** The commit stored under an Idempotency-Key: its first position, its request hash and its aggregate. */
    Optional<MongoEventLog.KeyedCommit> find(String key) {
        Document found = commits.find(new Document(CommitLayout.IDEM, key))
                .projection(Projections.include(CommitLayout.ID, CommitLayout.SIZE, CommitLayout.IDEM_HASH,
                        CommitLayout.EVENTS + "." + CommitLayout.AGGREGATE)).first();
        if (found == null) {
            return Optional.empty();
        }
        List<Document> events = CommitLayout.events(found);
        String aggregate = events.isEmpty() ? null : CommitLayout.aggregate(events.get(0));
        long start = CommitLayout.first(found);
        return Optional.of(new MongoEventLog.KeyedCommit(start, start + CommitLayout.size(found) - 1,
                CommitLayout.requestHash(found), aggregate));
    }

    /** The position of a demand's first event, if it was ever received. */
    Optional<Long> firstPositionOf(String aggregateIdentifier) {
        Document found = commits.find(new Document(CommitLayout.STREAM, CommitLayout.streamKey(aggregateIdentifier, 0)))
                .projection(Projections.include(CommitLayout.ID)).first();
        return Optional.ofNullable(found).map(CommitLayout::first);
    }
}
