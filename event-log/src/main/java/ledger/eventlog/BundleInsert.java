package ledger.eventlog;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Stores the events of an imported bundle ({@code log-bundle.md}) at their own positions, once the import has
 * checked the whole chain: each in a commit of its own, with its hash, timestamp and metadata as given.
 */
final class BundleInsert {

    private final MongoCollection<Document> commits;
    private final LogEnd end;

    BundleInsert(MongoCollection<Document> commits, LogEnd end) {
        this.commits = commits;
        this.end = end;
    }

    /** Whether the log holds no event at all (where an import may go). */
    boolean logIsEmpty() {
        return commits.find().limit(1).first() == null;
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
