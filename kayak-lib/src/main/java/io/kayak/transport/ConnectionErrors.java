package io.kayak.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * How a connection ends on an error: classify it, count it, log it once with the peer's name, close. A peer
 * breaking the protocol is a warning (it may be a misconfigured or hostile process); a reset socket is routine
 * in a cluster whose members restart, so it is logged at debug only.
 */
final class ConnectionErrors {
    private static final AttributeKey<Boolean> TLS_FAILED = AttributeKey.valueOf("kayak.tlsFailed");

    private ConnectionErrors() {
    }

    /** Closes the connection because the peer broke the protocol. */
    static void protocolError(ChannelHandlerContext ctx, TransportStats stats, Logger log, String peer,
                              String reason) {
        stats.protocolError();
        log.warn("Closing connection {} ({}): protocol error: {}", ctx.channel().remoteAddress(), peer, reason);
        ctx.close();
    }

    /**
     * Closes the connection because TLS failed. Not routine like a reset: a member with the wrong CA, an expired
     * certificate or a plaintext peer must show up loudly, or a half-configured cluster would fail silently.
     * Counted once per connection, whether the failure surfaced as an exception or as the handshake's outcome.
     */
    static void tlsFailed(ChannelHandlerContext ctx, TransportStats stats, Logger log, String peer,
                          Throwable cause) {
        if (!ctx.channel().hasAttr(TLS_FAILED) || ctx.channel().attr(TLS_FAILED).get() == null) {
            ctx.channel().attr(TLS_FAILED).set(Boolean.TRUE);
            stats.tlsFailure();
            log.warn("Closing connection {} ({}): TLS failed: {}", ctx.channel().remoteAddress(), peer,
                    brief(cause));
        }
        ctx.close();
    }

    /** The failure's message, cut short: Netty's "not an SSL/TLS record" quotes the peer's bytes in full. */
    private static String brief(Throwable cause) {
        return cut(cause == null ? "unknown" : String.valueOf(cause.getMessage()));
    }

    private static String cut(String message) {
        return message.length() <= 120 ? message : message.substring(0, 120) + "...";
    }

    /**
     * Why a connection attempt failed before it was established, for a person: {@code "connection refused"},
     * {@code "unreachable (No route to host)"}, {@code "no connection within the connect timeout"}, {@code
     * "unknown host"}, or the cause's own words.
     */
    static String connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "no connection within the connect timeout";
        }
        if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
            return "unknown host";
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "connection refused";
        }
        if (cause instanceof NoRouteToHostException || lower.contains("unreachable") || lower.contains("no route")) {
            // Netty appends the address ("...: /10.0.0.9:7000"); the caller names it already.
            int colon = message.indexOf(": /");
            return "unreachable (" + (colon < 0 ? message : message.substring(0, colon)) + ")";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect: " + brief(cause);
        }
        return cut(cause.toString());
    }

    /**
     * Why a TLS handshake failed, for a person. Whichever side distrusts the other's certificate ends the handshake:
     * if it is the peer, this side only hears its alert ({@code "TLS handshake refused: certificate not trusted by
     * that member's CA (certificate_unknown)"}); if it is this side, it knows the reason itself ({@code "TLS
     * handshake refused: that member's certificate is not trusted by this member's CA"}).
     */
    static String tlsFailure(Throwable cause) {
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        String alertPrefix = "Received fatal alert: ";
        int alertAt = message.indexOf(alertPrefix);
        if (alertAt >= 0) {
            String alert = message.substring(alertAt + alertPrefix.length()).trim();
            return switch (alert) {
                case "bad_certificate", "certificate_unknown", "unknown_ca", "unsupported_certificate" ->
                        "TLS handshake refused: certificate not trusted by that member's CA (" + alert + ")";
                case "certificate_expired" -> "TLS handshake refused: certificate expired (" + alert + ")";
                case "certificate_required" -> "TLS handshake refused: that member requires a certificate ("
                        + alert + ")";
                default -> "TLS handshake refused by that member (" + alert + ")";
            };
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "TLS handshake refused: that member's certificate has expired";
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException || String.valueOf(t.getMessage()).contains("PKIX")) {
                return "TLS handshake refused: that member's certificate is not trusted by this member's CA";
            }
        }
        if (message.contains("not an SSL/TLS record")) {
            return "TLS handshake failed: that member does not speak TLS";
        }
        return "TLS handshake failed: " + brief(cause);
    }

    /** Why {@code cause}, surfacing in a pipeline, ended the connection, for a person. */
    static String failure(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLException) {
            return tlsFailure(root);
        }
        if (root instanceof TooLongFrameException) {
            return "protocol error: oversize frame";
        }
        if (root instanceof ProtocolException || root instanceof DecoderException) {
            return "protocol error: " + brief(root);
        }
        if (root instanceof IOException) {
            return "connection lost: " + brief(root);
        }
        return cut(root.toString());
    }

    /** Closes the connection after {@code cause} surfaced in its pipeline. */
    static void exceptionCaught(ChannelHandlerContext ctx, TransportStats stats, Logger log, String peer,
                                Throwable cause) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof TooLongFrameException) {
            stats.oversizeFrame();
            protocolError(ctx, stats, log, peer, "oversize frame: " + root.getMessage());
        } else if (root instanceof SSLException) {
            tlsFailed(ctx, stats, log, peer, root);
        } else if (root instanceof ProtocolException || root instanceof DecoderException) {
            protocolError(ctx, stats, log, peer, root.getMessage());
        } else if (root instanceof IOException) {
            log.debug("Connection {} ({}) failed: {}", ctx.channel().remoteAddress(), peer, root.toString());
            ctx.close();
        } else {
            log.error("Unexpected failure on connection {} ({}); closing it", ctx.channel().remoteAddress(), peer,
                    root);
            ctx.close();
        }
    }
}
