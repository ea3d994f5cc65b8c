package io.kayak.transport;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto.Frame;
import io.kayak.transport.proto.RaftProto.Hello;
import io.kayak.transport.proto.RaftProto.HelloReply;
import io.kayak.transport.proto.RaftProto.RefusalReason;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: judges the peer's {@code Hello}, then hands each valid Raft message and each valid
 * forwarded request or answer to the {@link MessageHandler}. Only Raft messages from the handshaken member to this
 * member are delivered; any other frame closes the connection, so a confused or hostile peer can never inject a
 * message under another name. Forwarded requests and answers name nobody (their requester may not be a member
 * yet, and may have dialled this address without knowing who is here), so they are checked for validity only.
 * Confined to the connection's event loop.
 */
final class InboundConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConnection.class);

    private final TransportOptions options;
    private final TransportStats stats;
    private final MessageHandler handler;
    private final ClusterIdentity cluster;
    private Handshake.Scope scope;
    /** The cluster id the connector presented. */
    private String peerCluster;
    /** Null until the handshake is accepted. */
    private String peerId;
    private boolean closing;
    private ScheduledFuture<?> handshakeTimer;

    InboundConnection(TransportOptions options, ClusterIdentity cluster, TransportStats stats,
                      MessageHandler handler) {
        this.cluster = cluster;
        this.options = options;
        this.stats = stats;
        this.handler = handler;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // An idle socket that never says Hello would otherwise hold a descriptor forever.
        handshakeTimer = ctx.executor().schedule(() -> {
            if (peerId == null && !closing) {
                fail(ctx, "no hello within " + options.handshakeTimeout().toMillis() + " ms");
            }
        }, options.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        LOG.debug("Inbound connection {} ({}) closed", ctx.channel().remoteAddress(), peerName());
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        Frame frame = (Frame) msg;
        if (peerId == null) {
            onHandshake(ctx, frame);
        } else {
            onRaftFrame(ctx, frame);
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, Frame frame) {
        if (!frame.hasHello()) {
            fail(ctx, "first frame must be a hello, got " + frame.getBodyCase());
            return;
        }
        Hello hello = frame.getHello();
        String ownCluster = cluster.get();
        HelloReply reply = Handshake.judge(hello, ownCluster, options.memberId());
        cancelTimer();
        if (reply.getAccepted()) {
            peerId = hello.getMemberId();
            scope = Handshake.scope(hello, ownCluster);
            peerCluster = hello.getClusterId();
            LOG.debug("Accepted connection {} from member {}", ctx.channel().remoteAddress(), peerId);
            ctx.writeAndFlush(Handshake.reply(reply));
        } else {
            stats.handshakeRejected();
            if (reply.getReason() == RefusalReason.NOT_JOINED_YET) {
                // Routine while joining: the leader reaches out before the JOIN answer has arrived here.
                LOG.debug("Refused connection {} from member '{}': {}", ctx.channel().remoteAddress(),
                        hello.getMemberId(), reply.getMessage());
            } else {
                LOG.warn("Refused connection {} from member '{}': {}: {}", ctx.channel().remoteAddress(),
                        hello.getMemberId(), reply.getReason(), reply.getMessage());
            }
            closing = true;
            // Close only once the reply is out, so the connector learns why instead of seeing a bare reset.
            ctx.writeAndFlush(Handshake.reply(reply)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void onRaftFrame(ChannelHandlerContext ctx, Frame frame) {
        if (scope == Handshake.Scope.ANSWERS_ONLY && !peerCluster.isEmpty() && peerCluster.equals(cluster.get())) {
            // Accepted while this member was joining; it has since adopted the connector's cluster id, so the
            // connection is now between two members of one cluster.
            scope = Handshake.Scope.MEMBER;
        }
        if (RpcCodec.carriesRpc(frame)) {
            onRpcFrame(ctx, frame);
            return;
        }
        if (scope != Handshake.Scope.MEMBER) {
            fail(ctx, "a " + frame.getBodyCase() + " frame on a connection without a common cluster id ("
                    + scope + ")");
            return;
        }
        if (SnapshotCodec.carriesSnapshot(frame)) {
            onSnapshotFrame(ctx, frame);
            return;
        }
        Message message;
        try {
            message = MessageCodec.decode(frame);
        } catch (ProtocolException e) {
            fail(ctx, e.getMessage());
            return;
        }
        if (!message.to().equals(options.memberId())) {
            fail(ctx, "message for member " + message.to() + " arrived at member " + options.memberId());
            return;
        }
        if (!message.from().equals(peerId)) {
            fail(ctx, "message from " + message.from() + " on the connection of member " + peerId);
            return;
        }
        stats.messageDelivered();
        try {
            handler.onMessage(message);
        } catch (RuntimeException e) {
            // The handler's failure is not the peer's fault: keep the connection, lose the message (Raft
            // retransmits), and make the bug loud.
            LOG.error("Message handler failed on {}", message, e);
        }
    }

    private void onSnapshotFrame(ChannelHandlerContext ctx, Frame frame) {
        SnapshotFrame snapshotFrame;
        try {
            snapshotFrame = SnapshotCodec.decode(frame);
        } catch (ProtocolException e) {
            fail(ctx, e.getMessage());
            return;
        }
        if (!snapshotFrame.to().equals(options.memberId()) || !snapshotFrame.from().equals(peerId)) {
            fail(ctx, snapshotFrame + " on the connection of member " + peerId + " to member "
                    + options.memberId());
            return;
        }
        stats.messageDelivered();
        try {
            handler.onSnapshot(snapshotFrame);
        } catch (RuntimeException e) {
            // As for messages: the handler's bug, not the peer's; the sender resends what is not acknowledged.
            LOG.error("Snapshot handler failed on {}", snapshotFrame, e);
        }
    }

    private void onRpcFrame(ChannelHandlerContext ctx, Frame frame) {
        Rpc rpc;
        try {
            rpc = RpcCodec.decode(frame);
        } catch (ProtocolException e) {
            fail(ctx, e.getMessage());
            return;
        }
        if (scope == Handshake.Scope.JOIN_ONLY
                && !(rpc instanceof Rpc.Request r && r.kind() == Rpc.Kind.JOIN)) {
            fail(ctx, "a connector without a cluster id may only ask to join, not send " + rpc);
            return;
        }
        if (scope == Handshake.Scope.ANSWERS_ONLY && !(rpc instanceof Rpc.Response)) {
            fail(ctx, "this member is still joining and takes answers only, not " + rpc);
            return;
        }
        stats.rpcDelivered();
        try {
            handler.onRpc(rpc);
        } catch (RuntimeException e) {
            // As for messages: the handler's bug, not the peer's; the requester times out and may retry.
            LOG.error("Message handler failed on forwarded {} from member {}", rpc, peerId, e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            closing = true;
            ConnectionErrors.tlsFailed(ctx, stats, LOG, peerName(), done.cause());
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closing = true;
        ConnectionErrors.exceptionCaught(ctx, stats, LOG, peerName(), cause);
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        closing = true;
        ConnectionErrors.protocolError(ctx, stats, LOG, peerName(), reason);
    }

    private String peerName() {
        return peerId == null ? "before handshake" : "member " + peerId;
    }

    private void cancelTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }
}
