package ledger.query.projection;

import com.mongodb.client.MongoDatabase;
import java.util.List;
import org.springframework.stereotype.Component;

/** Where the projection writes: the figures store of the current generation. */
@Component
public class ProjectionTarget {

    private final MongoDatabase database;
    private volatile FiguresStore store;

    ProjectionTarget(MongoDatabase ledgerDatabase) {
        this.database = ledgerDatabase;
        this.store = new FiguresStore(ledgerDatabase, "g1");
    }

    public FiguresStore store() {
        return store;
    }

    void project(List<FiguresProjector.Recorded> batch) {
        new FiguresProjector(store).project(batch);
    }

    void reset() {
        store.drop();
    }

    MongoDatabase database() {
        return database;
    }
}
