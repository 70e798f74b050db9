package ledger.command.importing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One keep-alive HTTP/1.1 connection to the command side, for one worker's POSTs, one at a time. Written by hand to
 * spend little CPU on the machine the import shares with the ledger it feeds (the JDK's client: docs/benchmarks.md).
 * Opened on the first request, and again after a failure or a {@code Connection: close}.
 */
final class CommandConnection implements AutoCloseable {

    private static final int CONNECT_MILLIS = 10_000;
    /** A command may wait behind a checkpoint or a replay's write; nothing this long is normal. */
    private static final int READ_MILLIS = 120_000;

    private final String host;
    private final int port;
    private final boolean tls;
    private final String pathPrefix;
    /** Every request's headers but its key and length. */
    private final byte[] headers;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private final StringBuilder line = new StringBuilder(128);

    /** An answer: its status, whether it stored nothing (a repeat), its body. */
    record Answer(int status, boolean replayed, byte[] body) {
    }

    CommandConnection(URI base, String bearerToken) {
        host = base.getHost();
        tls = "https".equalsIgnoreCase(base.getScheme());
        port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
        pathPrefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String hostHeader = host.contains(":") ? "[" + host + "]" : host;
        headers = ("Host: " + hostHeader + (base.getPort() != -1 ? ":" + port : "") + "\r\n"
                + "Authorization: Bearer " + bearerToken + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: application/json\r\n").getBytes(StandardCharsets.UTF_8);
    }

    Answer post(String path, String idempotencyKey, byte[] body) throws IOException {
        try {
            if (socket == null) {
                open();
            }
            out.write(("POST " + pathPrefix + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(headers);
            out.write(("Idempotency-Key: " + idempotencyKey + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            return read();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("a malformed answer: " + e, e);
        }
    }

    private Answer read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = status.startsWith("HTTP/1.0");
        boolean replayed = false;
        for (String header; !(header = line()).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closing = value.toLowerCase(Locale.ROOT).contains("close");
                case "idempotent-replayed" -> replayed = value.equalsIgnoreCase("true");
                default -> {
                }
            }
        }
        byte[] body;
        if (chunked) {
            java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";", 2)[0].trim(), 16)) > 0; ) {
                chunks.write(exactly(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = chunks.toByteArray();
        } else if (length >= 0) {
            body = exactly(Math.toIntExact(length));
        } else {
            body = in.readAllBytes(); // the body ends with the connection
            closing = true;
        }
        if (closing) {
            close();
        }
        return new Answer(code, replayed, body);
    }

    private byte[] exactly(int size) throws IOException {
        byte[] bytes = in.readNBytes(size);
        if (bytes.length < size) {
            throw new IOException("the connection closed in the middle of an answer");
        }
        return bytes;
    }

    private String line() throws IOException {
        line.setLength(0);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection closed before an answer");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_MILLIS);
            if (tls) {
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                s = secure;
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 8192);
        in = new BufferedInputStream(s.getInputStream(), 8192);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
