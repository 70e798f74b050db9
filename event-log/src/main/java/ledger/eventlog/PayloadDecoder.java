package ledger.eventlog;

import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.serialization.SerializationException;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * Deserializes the payloads the bulk reads hand on: straight through Jackson when the event serializer is
 * Jackson's (a reader per type, no conversions), else through the serializer. No upcasters are configured; were
 * one added, it would have to be applied here too.
 */
final class PayloadDecoder implements CommitLayout.Payloads {

    private final Serializer serializer;
    private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();

    PayloadDecoder(Serializer serializer) {
        this.serializer = serializer;
    }

    Object read(String type, String revision, String json) {
        ObjectReader reader = reader(type, revision);
        if (reader != null) {
            try {
                return reader.readValue(json);
            } catch (IOException e) {
                throw new SerializationException("cannot read a " + type + " from the log", e);
            }
        }
        return serializer.deserialize(new SimpleSerializedObject<>(json, String.class, type, revision));
    }

    /** {@link #read(String, String, String)} from the JSON's UTF-8 bytes, as the log stores them. */
    @Override
    public Object read(String type, String revision, byte[] json, int offset, int length) {
        ObjectReader reader = json == null ? null : reader(type, revision);
        if (reader != null) {
            try {
                return reader.readValue(json, offset, length);
            } catch (IOException e) {
                throw new SerializationException("cannot read a " + type + " from the log", e);
            }
        }
        return read(type, revision, json == null ? null : new String(json, offset, length, StandardCharsets.UTF_8));
    }

    /** The reader of a payload type when the event serializer is Jackson's and knows the type; null otherwise. */
    private ObjectReader reader(String type, String revision) {
        if (!(serializer instanceof JacksonSerializer jackson)) {
            return null;
        }
        return readers.computeIfAbsent(type, t -> {
            Class<?> payloadClass = jackson.classForType(new SimpleSerializedType(t, revision));
            return UnknownSerializedType.class.equals(payloadClass) ? null : jackson.getObjectMapper().readerFor(payloadClass);
        });
    }
}
