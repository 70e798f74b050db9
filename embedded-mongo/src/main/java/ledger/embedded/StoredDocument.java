package ledger.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.Unpooled;

/**
 * A document as a collection's file holds it: its BSON, decoded the first time something looks inside it. A
 * scan of a whole collection (a replay's read of the log) sends the bytes as they are, not decoded and encoded
 * again.
 *
 * <p>The decoded document is kept, as the library's H2 backend keeps every value it reads decoded in its page
 * cache: the documents that queries look into (the projection's) are decoded once, not on every query. The
 * bytes stay valid as long as this value is in its collection: every change of a document puts a new value.
 * The page cache counts a stored document by its bytes, as it was read; one decoded since holds its map as well,
 * uncounted.
 */
final class StoredDocument {
    private final byte[] bson;
    private volatile Document decoded;

    StoredDocument(byte[] bson) {
        this.bson = bson;
    }

    byte[] bson() {
        return bson;
    }

    Document decode() {
        Document document = decoded;
        if (document == null) {
            // two threads may both decode it: equal documents, and either is kept
            document = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
            decoded = document;
        }
        return document;
    }

    /** A collection's stored value as a document: documents written since the file was read are kept as they came. */
    static Document decoded(Object value) {
        return value instanceof StoredDocument stored ? stored.decode() : (Document) value;
    }
}
