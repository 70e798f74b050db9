package ledger.eventlog;

import com.mongodb.MongoInterruptedException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * One cursor over the log's commits (no order asked: sorting would make the embedded server sort the whole log
 * under its lock), read by a pipeline of threads of its own: one only fetches batches of commits, so the
 * server prepares the next batch without waiting for the previous one to be decoded; the others decode, up to
 * 16,000 commits ahead of the reader, which takes the decoded batches with {@link #next()}. With more than one
 * decoding thread, batches may come out in another order than the cursor's.
 */
final class ReadAhead {

    /** Decodes one commit, adding what it makes of it to {@code out}. */
    interface Decoder {
        void decode(RawBsonDocument commit, List<Object> out);
    }

    /** Ends a stage's output; its own instance, so no batch can be mistaken for it. */
    private static final List<Object> END = java.util.Collections.unmodifiableList(new ArrayList<>());
    private final BlockingQueue<List<Object>> fetched = new ArrayBlockingQueue<>(16);
    private final BlockingQueue<List<Object>> decoded = new ArrayBlockingQueue<>(16);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger decoding;
    private volatile boolean cancelled;

    ReadAhead(MongoCollection<Document> commits, Document filter, String name, Decoder decoder) {
        this(commits, filter, name, 1, decoder);
    }

    ReadAhead(MongoCollection<Document> commits, Document filter, String name, int decoders, Decoder decoder) {
        decoding = new java.util.concurrent.atomic.AtomicInteger(decoders);
        start(name + "-fetch", () -> fetch(commits, filter));
        for (int i = 0; i < decoders; i++) {
            start(name + "-decode" + (decoders > 1 ? "-" + i : ""), () -> decode(decoder));
        }
    }

    private void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void fetch(MongoCollection<Document> commits, Document filter) {
        // raw documents, whole: only the fields used are decoded, and the embedded server projects fields
        // slower than it sends them
        try (MongoCursor<RawBsonDocument> cursor = commits.find(filter, RawBsonDocument.class).batchSize(5000).iterator()) {
            List<Object> batch = new ArrayList<>(1000);
            while (!cancelled && cursor.hasNext()) {
                batch.add(cursor.next());
                if (batch.size() == 1000) {
                    hand(fetched, batch);
                    batch = new ArrayList<>(1000);
                }
            }
            hand(fetched, batch);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            hand(fetched, END);
        }
    }

    private void decode(Decoder decoder) {
        try {
            while (!cancelled) {
                // a read that gave up hands nothing more: waiting here forever would keep this thread
                List<Object> commitBatch = fetched.poll(100, TimeUnit.MILLISECONDS);
                if (commitBatch == null) {
                    continue;
                }
                if (commitBatch == END) {
                    hand(fetched, END); // for the other decoding threads
                    break;
                }
                List<Object> out = new ArrayList<>(commitBatch.size() + 16);
                for (Object commit : commitBatch) {
                    decoder.decode((RawBsonDocument) commit, out);
                }
                hand(decoded, out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            if (decoding.decrementAndGet() == 0) {
                hand(decoded, END);
            }
        }
    }

    private void hand(BlockingQueue<List<Object>> queue, List<Object> batch) {
        try {
            while (!cancelled && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                // the next stage is busy; wait unless the read gave up
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
    }

    /** The next batch of decoded items, or null at the end. */
    List<Object> next() {
        List<Object> batch;
        try {
            batch = decoded.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MongoInterruptedException("the read of the log was interrupted", e);
        }
        if (batch == END) {
            if (failure.get() != null) {
                throw failure.get();
            }
            return null;
        }
        return batch;
    }

    void cancel() {
        cancelled = true;
        fetched.clear();
        decoded.clear();
    }
}
