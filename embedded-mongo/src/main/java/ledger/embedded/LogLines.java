package ledger.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The server's log lines on standard error, as the sides': with {@code LOG_FORMAT=json} one JSON object a line in
 * the Elastic Common Schema (as Spring Boot's {@code ecs}: {@code @timestamp}, {@code log.level}, {@code message}...),
 * no stack trace; plain text otherwise.
 * Found by logback through {@code META-INF/services}, so no configuration file is needed or read.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogLines extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        boolean json = "json".equalsIgnoreCase(System.getenv().getOrDefault("LOG_FORMAT", "plain"));
        Line appender = new Line(json);
        appender.setContext(context);
        appender.setName("console");
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Writes to {@code System.err} as it is at each line (a test may replace it), whole lines at a time. */
    static final class Line extends AppenderBase<ILoggingEvent> {
        private static final long PID = ProcessHandle.current().pid();
        private final boolean json;

        Line(boolean json) {
            this.json = json;
        }

        @Override
        protected void append(ILoggingEvent event) {
            String line = json ? json(event) : plain(event);
            System.err.print(line);
            System.err.flush();
        }

        private static String plain(ILoggingEvent event) {
            StringBuilder out = new StringBuilder().append('[').append(event.getThreadName()).append("] ")
                    .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getFormattedMessage()).append(System.lineSeparator());
            if (event.getThrowableProxy() != null) {
                out.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append(System.lineSeparator());
            }
            return out.toString();
        }

        static String json(ILoggingEvent event) {
            StringBuilder out = new StringBuilder(256).append('{');
            field(out, "@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(",\"log\":{");
            field(out, "level", event.getLevel().toString().toUpperCase(Locale.ROOT)).append(',');
            field(out, "logger", event.getLoggerName()).append("},\"process\":{\"pid\":").append(PID).append(",\"thread\":{");
            field(out, "name", event.getThreadName()).append("}},\"service\":{");
            field(out, "name", "embedded-mongo").append("},");
            field(out, "message", event.getFormattedMessage());
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                // the kind and message only: a stack trace would spread one event over many lines of a log reader
                out.append(",\"error\":{");
                field(out, "type", error.getClassName()).append(',');
                field(out, "message", String.valueOf(error.getMessage())).append('}');
            }
            return out.append(",\"ecs\":{\"version\":\"8.11\"}}\n").toString();
        }

        private static StringBuilder field(StringBuilder out, String name, String value) {
            return string(string(out, name).append(':'), value);
        }

        private static StringBuilder string(StringBuilder out, String value) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"');
        }
    }
}
