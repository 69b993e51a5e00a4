package io.coffer.server.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log event of the JVM (root logger, Coffer at DEBUG) to grep it for secrets. */
final class LogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;
    private final Logger coffer;
    private final Level cofferLevel;

    LogCapture() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        coffer = ctx.getLogger("io.coffer");
        cofferLevel = coffer.getLevel();
        coffer.setLevel(Level.DEBUG);
        appender.setContext(ctx);
        appender.start();
        root.addAppender(appender);
    }

    /** Every captured line: message, arguments, MDC and stack traces. */
    synchronized String text() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(appender.list)) {
            b.append(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap()).append('\n');
            if (e.getThrowableProxy() != null) {
                b.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        return b.toString();
    }

    int size() {
        return appender.list.size();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        coffer.setLevel(cofferLevel);
    }
}
