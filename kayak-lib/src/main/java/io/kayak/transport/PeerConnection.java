package io.kayak.transport;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one persistent outbound connection to one peer, and the bounded queue in front of it. A peer is either a
 * named member (Raft messages; the handshake insists on that member) or just an address (forwarded requests and
 * answers, whose sender may not know who listens there; the handshake's target is empty).
 *
 * <p>The queue holds Raft {@link Message}s, encoded when drained, and already encoded {@link Rpc} frames (see
 * {@link NettyTransport#send(InetSocketAddress, Rpc)}). {@link #send} never blocks and never grows memory without
 * bound: it enqueues, evicting the oldest queued entry when the queue is full (the newest message carries the freshest term and commit index, the oldest is
 * the one Raft would most likely discard anyway). All connection state lives on one event loop: the queue is
 * drained there — encoding included — writing every queued frame and flushing once per drain, so a burst of
 * sends costs one syscall. Draining pauses while the socket is not writable and resumes when it is. A lost or
 * refused connection is retried with exponential backoff until {@link #close}. An address connection differs in
 * two ways: it connects only while something waits in its queue, since nobody owes its address a standing
 * connection (a host that joined and went away, a requester that got its answer); and an attempt that fails
 * before its handshake is accepted (connect refused or timed out, TLS or {@code Hello} refused) drops what is
 * queued and reports the requests among it to {@link Undelivered}, so that their requesters learn at once that
 * the address cannot be reached, and why, instead of waiting for their deadlines while the queue is retried.
 */
final class PeerConnection {
    /** Hears of the forwarded requests an address connection dropped unsent. Called on its event loop. */
    interface Undelivered {
        void dropped(InetSocketAddress address, List<Long> requestIds, String reason);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    // Let a pipeline of AppendRequests fill the socket before draining pauses; the queue bounds the rest.
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    /** The member the handshake must reach; empty for an address connection (any member there). */
    private final String memberId;
    private final InetSocketAddress address;
    private final boolean onDemand;
    private final EventLoop loop;
    private final TransportOptions options;
    private final TransportStats stats;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final ArrayBlockingQueue<Object> queue;
    private final Undelivered undelivered;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Set while the queue overflows, so an outage logs one line instead of one per dropped message. */
    private final AtomicBoolean overflowing = new AtomicBoolean();
    private volatile boolean closed;

    // Confined to the event loop.
    private Channel channel;
    private boolean ready;
    /** Whether this connection logged a frame dropped for its size: the first is logged, the rest only counted. */
    private boolean oversizeLogged;
    private ScheduledFuture<?> reconnect;

    /** @param undelivered told what an address connection drops unsent; unused by a member connection */
    PeerConnection(String memberId, InetSocketAddress address, EventLoop loop, TransportOptions options,
                   TransportStats stats, ChannelGroup channels, TlsContexts tls,
                   ClusterIdentity cluster, Undelivered undelivered) {
        this.memberId = memberId;
        this.undelivered = undelivered;
        this.address = address;
        this.onDemand = memberId.isEmpty();
        this.loop = loop;
        this.options = options;
        this.stats = stats;
        this.backoff = new Backoff(options.reconnectMin().toMillis(), options.reconnectMax().toMillis(),
                () -> ThreadLocalRandom.current().nextLong());
        this.queue = new ArrayBlockingQueue<>(options.maxQueuedMessages());
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(IoTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        Pipelines.install(ch.pipeline(), tls == null ? null : tls.clientHandler(ch.alloc()),
                                options.maxFrameBytes(), stats,
                                new OutboundConnection(PeerConnection.this, options, cluster, stats));
                    }
                });
    }

    /** The member the handshake names as its target; empty for an address connection. */
    String memberId() {
        return memberId;
    }

    /** Who this connection reaches, for log lines. */
    String describe() {
        return memberId.isEmpty() ? "the member at " + address : "member " + memberId + " at " + address;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Begins connecting (a member connection) or waits for the first send (an address connection). */
    void start() {
        if (!onDemand) {
            execute(this::connect);
        }
    }

    /** Queues {@code message} for this peer; thread-safe, never blocks. */
    void send(Message message) {
        enqueue(message);
    }

    /** Queues the encoded frame of a forwarded request or answer; thread-safe, never blocks. */
    void send(Frame rpcFrame) {
        enqueue(rpcFrame);
    }

    private void enqueue(Object item) {
        if (closed) {
            stats.messageDropped();
            return;
        }
        while (!queue.offer(item)) {
            if (queue.poll() != null) {
                stats.messageDropped();
                if (overflowing.compareAndSet(false, true)) {
                    LOG.warn("Queue for {} is full ({} messages); dropping the oldest until it drains",
                            describe(), options.maxQueuedMessages());
                }
            }
        }
        drainSoon();
    }

    /** Schedules one drain on the event loop unless one is already pending. */
    void drainSoon() {
        if (drainScheduled.compareAndSet(false, true)) {
            execute(this::drain);
        }
    }

    private void drain() {
        // Cleared first: a send racing with this drain either is seen by the loop below or schedules another.
        drainScheduled.set(false);
        Channel ch = channel;
        if (ch == null && onDemand && reconnect == null && !closed && !queue.isEmpty()) {
            connect();
            return;
        }
        if (!ready || ch == null) {
            return;
        }
        boolean wrote = false;
        Object item;
        while (ch.isWritable() && (item = queue.poll()) != null) {
            if (item instanceof Message.AppendRequest append && !append.entries().isEmpty()) {
                // The bulk of a leader's traffic: written without the generated objects (see AppendRequestWriter).
                AppendRequestWriter writer = new AppendRequestWriter(append);
                if (tooLarge(Frame.BodyCase.APPEND_REQUEST, writer.frameSize())) {
                    continue;
                }
                ch.write(writer.write(ch.alloc()), ch.voidPromise());
                stats.frameSent(Pipelines.LENGTH_FIELD_BYTES + writer.frameSize());
                wrote = true;
                continue;
            }
            Frame frame = item instanceof Message message ? MessageCodec.encode(message) : (Frame) item;
            if (tooLarge(frame.getBodyCase(), frame.getSerializedSize())) {
                continue;
            }
            ch.write(frame, ch.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
        if (queue.isEmpty()) {
            overflowing.set(false);
        }
    }

    /**
     * Drops a frame above the frame limit: the peer would close the connection on it, and every retransmission
     * would do the same. Counted every time, logged once per connection: Raft retransmits an entry it cannot
     * deliver at every heartbeat, and a log line each time would bury everything else. The drain goes on with the
     * next queued frame, so what follows is not held up.
     */
    private boolean tooLarge(Frame.BodyCase kind, int size) {
        if (size <= options.maxFrameBytes()) {
            return false;
        }
        stats.messageDropped();
        stats.oversizeFrameDropped();
        if (!oversizeLogged) {
            oversizeLogged = true;
            LOG.error("Dropped a {} for {}: {} bytes exceed the {}-byte frame limit; further frames above the limit"
                    + " on this connection are dropped and counted (oversizeFramesDropped) without a log line",
                    kind, describe(), size, options.maxFrameBytes());
        }
        return true;
    }

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        ChannelFuture connecting = bootstrap.connect(address);
        channel = connecting.channel();
        connecting.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                LOG.debug("Connecting to {} failed: {}", describe(), done.cause().toString());
                if (channel == done.channel()) {
                    channel = null;
                    attemptFailed(ConnectionErrors.connectFailure(done.cause()));
                }
            }
        });
    }

    void onHandshakeAccepted(Channel ch) {
        if (ch != channel || closed) {
            ch.close();
            return;
        }
        ready = true;
        oversizeLogged = false;
        backoff.reset();
        LOG.info("Connected to {}", describe());
        drain();
    }

    /**
     * The channel closed; {@code failure} says why when it closed before its handshake was accepted (a failed
     * attempt), null when an established connection was lost.
     */
    void onDisconnected(Channel ch, String failure) {
        if (ch != channel) {
            return;
        }
        boolean wasReady = ready;
        channel = null;
        ready = false;
        if (wasReady) {
            LOG.info("Lost connection to {}", describe());
            scheduleReconnect();
        } else {
            attemptFailed(failure);
        }
    }

    /** A connection attempt failed before its handshake was accepted. */
    private void attemptFailed(String reason) {
        if (onDemand && !closed) {
            dropQueued(reason);
        }
        scheduleReconnect();
    }

    /** Drops what waits for this address, and reports the requests among it as undelivered for {@code reason}. */
    private void dropQueued(String reason) {
        List<Long> requests = new ArrayList<>();
        Object item;
        while ((item = queue.poll()) != null) {
            stats.messageDropped();
            if (item instanceof Frame frame && frame.hasForwardRequest()) {
                requests.add(frame.getForwardRequest().getId());
            }
        }
        overflowing.set(false);
        LOG.debug("Could not reach {} ({}); dropped {} queued requests", describe(), reason, requests.size());
        if (!requests.isEmpty()) {
            try {
                undelivered.dropped(address, List.copyOf(requests), reason);
            } catch (RuntimeException e) {
                LOG.error("Reporting the requests undelivered to {} failed", describe(), e);
            }
        }
    }

    private void scheduleReconnect() {
        if (closed || reconnect != null) {
            return;
        }
        if (onDemand && queue.isEmpty()) {
            // Nothing to deliver: the next send connects again (see drain).
            return;
        }
        stats.reconnect();
        reconnect = loop.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this connection is down with no attempt pending, so that only a send would open it again (what an
     * idle address connection settles into); visible for tests. Blocks until the event loop answers.
     */
    boolean dormant() {
        return CompletableFuture.supplyAsync(() -> channel == null && reconnect == null, loop).join();
    }

    /** Stops reconnecting, closes the connection and drops what is still queued. Idempotent. */
    void close() {
        closed = true;
        execute(() -> {
            if (reconnect != null) {
                reconnect.cancel(false);
                reconnect = null;
            }
            if (channel != null) {
                channel.close();
                channel = null;
            }
            ready = false;
            discardQueue();
        });
    }

    private void discardQueue() {
        while (queue.poll() != null) {
            stats.messageDropped();
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // The transport is closing: whatever was queued will never be sent.
            discardQueue();
        }
    }
}
