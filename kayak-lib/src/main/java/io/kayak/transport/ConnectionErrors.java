package io.kayak.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import java.io.IOException;
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
        String message = cause == null ? "unknown" : String.valueOf(cause.getMessage());
        return message.length() <= 120 ? message : message.substring(0, 120) + "...";
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
