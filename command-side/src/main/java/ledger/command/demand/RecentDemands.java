package ledger.command.demand;

import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;

/**
 * The demands commanded most recently, so a disposition that follows its receipt does not read the demand's
 * events back from the log. A cached demand may be stale when several command-side instances write: its
 * append then collides on the stream key and is re-run on the demand as the log has it (Axon drops the entry
 * when a unit of work rolls back), and a refusal is only ever given on the demand as the log has it
 * ({@link CommandSender}).
 */
final class RecentDemands implements Cache {

    private final Map<Object, Object> entries;

    RecentDemands(int capacity) {
        this.entries = new LinkedHashMap<>(capacity, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <K, V> V get(K key) {
        return (V) entries.get(key);
    }

    @Override
    public synchronized void put(Object key, Object value) {
        entries.put(key, value);
    }

    @Override
    public synchronized boolean putIfAbsent(Object key, Object value) {
        return entries.putIfAbsent(key, value) == null;
    }

    @Override
    public synchronized boolean remove(Object key) {
        return entries.remove(key) != null;
    }

    @Override
    public synchronized void removeAll() {
        entries.clear();
    }

    @Override
    public synchronized boolean containsKey(Object key) {
        return entries.containsKey(key);
    }

    @Override
    public Registration registerCacheEntryListener(EntryListener listener) {
        return () -> true;
    }
}
