package ledger.benchmarks;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The embedded server a benchmark runs on: {@code memory}, or {@code h2} (a file in a temporary folder, as ./run keeps it). */
final class BenchServer {

    private BenchServer() {
    }

    static MongoServer start(String backend) throws IOException {
        if (backend.equals("h2")) {
            Path dir = Files.createTempDirectory("ledger-bench");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("bench.mv");
            file.toFile().deleteOnExit();
            return new MongoServer(new H2Backend(file.toString()));
        }
        return new MongoServer(new MemoryBackend());
    }

    static void describe(String backend, String what) {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s; backend %s; %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), System.getProperty("java.version"),
                backend, what);
    }
}
