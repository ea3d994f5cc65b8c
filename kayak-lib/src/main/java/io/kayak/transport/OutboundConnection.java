package io.kayak.transport;

import io.kayak.transport.proto.RaftProto.Frame;
import io.kayak.transport.proto.RaftProto.HelloReply;
import io.kayak.transport.proto.RaftProto.RefusalReason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's end of one connection to a peer: says {@code Hello}, waits for the peer's verdict, and only
 * then lets its {@link PeerConnection} write Raft and forwarded-request frames. After an accepted handshake the acceptor has nothing
 * more to say, so any further inbound frame is a protocol error. Confined to the connection's event loop.
 */
final class OutboundConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundConnection.class);

    private final PeerConnection peer;
    private final TransportOptions options;
    private final TransportStats stats;
    private final ClusterIdentity cluster;
    private boolean accepted;
    private boolean closing;
    /** Why the connection is ending before its handshake was accepted; the first reason found wins. */
    private String failure;
    private ScheduledFuture<?> handshakeTimer;

    OutboundConnection(PeerConnection peer, TransportOptions options, ClusterIdentity cluster,
                       TransportStats stats) {
        this.cluster = cluster;
        this.peer = peer;
        this.options = options;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(Handshake.hello(cluster.get(), options.memberId(), peer.memberId()));
        // A peer that accepts TCP but never answers (hung process, wrong service on the port) must not pin
        // this peer's queue forever: give up and let the backoff retry.
        handshakeTimer = ctx.executor().schedule(() -> {
            if (!accepted && !closing) {
                fail(ctx, "no hello reply within " + options.handshakeTimeout().toMillis() + " ms");
            }
        }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        peer.onDisconnected(ctx.channel(), accepted ? null
                : failure != null ? failure : "connection closed by that member during the handshake");
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        Frame frame = (Frame) msg;
        if (accepted || !frame.hasHelloReply()) {
            fail(ctx, "unexpected " + frame.getBodyCase() + " frame from the accepting side");
            return;
        }
        cancelTimer();
        HelloReply reply = frame.getHelloReply();
        if (reply.getAccepted()) {
            accepted = true;
            peer.onHandshakeAccepted(ctx.channel());
        } else {
            closing = true;
            noteFailure("handshake refused: " + (reply.getMessage().isEmpty() ? reply.getReason().toString()
                    : reply.getMessage()));
            stats.handshakeRefused();
            if (reply.getReason() == RefusalReason.NOT_JOINED_YET) {
                // A newcomer that has not got its JOIN answer yet: the backoff retries in a moment.
                LOG.debug("Handshake refused by {}: {}", peer.describe(), reply.getMessage());
            } else {
                LOG.warn("Handshake refused by {}: {}: {}", peer.describe(), reply.getReason(), reply.getMessage());
            }
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            peer.drainSoon();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            closing = true;
            noteFailure(ConnectionErrors.tlsFailure(done.cause()));
            ConnectionErrors.tlsFailed(ctx, stats, LOG, peer.describe(), done.cause());
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closing = true;
        noteFailure(ConnectionErrors.failure(cause));
        ConnectionErrors.exceptionCaught(ctx, stats, LOG, peer.describe(), cause);
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        closing = true;
        noteFailure(reason);
        ConnectionErrors.protocolError(ctx, stats, LOG, peer.describe(), reason);
    }

    private void noteFailure(String reason) {
        if (failure == null && !accepted) {
            failure = reason;
        }
    }

    private void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }
}
