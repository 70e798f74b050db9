package ledger.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a load client costs by itself: an HTTP/1.1 server that answers every request as the command API answers a
 * stored command ({@code 201}, {@code {"demandId":...,"position":...}}) and does nothing else. Driven by the
 * acceptance client, it gives the client's own rate ceiling and CPU per command on this machine; the ledger's
 * processes share the same cores with that client, so this bounds what any build of the ledger can reach with it.
 *
 * <p>Dependency-free: {@code java benchmarks/src/main/java/ledger/benchmarks/NullCommandServer.java [PORT]}
 * (default 29998), then e.g. {@code fixture-check --load-only --commands http://127.0.0.1:29998 --token x FIXTURE};
 * the client's CPU is its process's user + system time ({@code /usr/bin/time}). The server prints the requests it
 * answered and its own CPU seconds every 10 s.
 */
public final class NullCommandServer {

    private static final byte[] ANSWER = answer();
    private static final AtomicLong ANSWERED = new AtomicLong();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 29998;
        ServerSocket listening = new ServerSocket(port, 128, InetAddress.getLoopbackAddress());
        System.out.println("answering every request with 201 on 127.0.0.1:" + port);
        Thread report = new Thread(NullCommandServer::report, "report");
        report.setDaemon(true);
        report.start();
        while (true) {
            Socket socket = listening.accept();
            socket.setTcpNoDelay(true);
            Thread connection = new Thread(() -> serve(socket), "connection");
            connection.setDaemon(true);
            connection.start();
        }
    }

    private static byte[] answer() {
        String body = "{\"demandId\":\"2014-H1-000001\",\"position\":1}";
        return ("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** One keep-alive connection: each request's head and body read, then the answer written in one write. */
    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
            OutputStream out = socket.getOutputStream();
            StringBuilder line = new StringBuilder();
            while (true) {
                long length = 0;
                boolean head = false;
                while (true) {
                    line.setLength(0);
                    int c;
                    while ((c = in.read()) != -1 && c != '\n') {
                        line.append((char) c);
                    }
                    if (c == -1) {
                        return;
                    }
                    String text = line.toString().trim();
                    if (text.isEmpty()) {
                        if (head) {
                            break;
                        }
                        continue;
                    }
                    head = true;
                    if (text.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Long.parseLong(text.substring(15).trim());
                    }
                }
                in.skipNBytes(length);
                out.write(ANSWER);
                out.flush();
                ANSWERED.incrementAndGet();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void report() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long last = -1;
        while (true) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            long answered = ANSWERED.get();
            if (answered != last) {
                double cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
                System.out.printf("%d requests answered, %.1f CPU s%n", answered, cpu);
                last = answered;
            }
        }
    }
}
