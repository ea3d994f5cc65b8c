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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one persistent outbound connection to one peer, and the bounded queue in front of it.
 *
 * <p>{@link #send} never blocks and never grows memory without bound: it enqueues, evicting the oldest queued
 * message when the queue is full (the newest message carries the freshest term and commit index, the oldest is
 * the one Raft would most likely discard anyway). All connection state lives on one event loop: the queue is
 * drained there — encoding included — writing every queued frame and flushing once per drain, so a burst of
 * sends costs one syscall. Draining pauses while the socket is not writable and resumes when it is. A lost or
 * refused connection is retried with exponential backoff until {@link #close}.
 */
final class PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);
    // Let a pipeline of AppendRequests fill the socket before draining pauses; the queue bounds the rest.
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final String memberId;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final TransportOptions options;
    private final TransportStats stats;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final ArrayBlockingQueue<Message> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Set while the queue overflows, so an outage logs one line instead of one per dropped message. */
    private final AtomicBoolean overflowing = new AtomicBoolean();
    private volatile boolean closed;

    // Confined to the event loop.
    private Channel channel;
    private boolean ready;
    private ScheduledFuture<?> reconnect;

    PeerConnection(String memberId, InetSocketAddress address, EventLoop loop, TransportOptions options,
                   TransportStats stats, ChannelGroup channels) {
        this.memberId = memberId;
        this.address = address;
        this.loop = loop;
        this.options = options;
        this.stats = stats;
        this.backoff = new Backoff(options.reconnectMin().toMillis(), options.reconnectMax().toMillis(),
                () -> ThreadLocalRandom.current().nextLong());
        this.queue = new ArrayBlockingQueue<>(options.maxQueuedMessages());
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        Pipelines.install(ch.pipeline(), options.maxFrameBytes(), stats,
                                new OutboundConnection(PeerConnection.this, options, stats));
                    }
                });
    }

    String memberId() {
        return memberId;
    }

    InetSocketAddress address() {
        return address;
    }

    /** Begins connecting; called once, right after construction. */
    void start() {
        execute(this::connect);
    }

    /** Queues {@code message} for this peer; thread-safe, never blocks. */
    void send(Message message) {
        if (closed) {
            stats.messageDropped();
            return;
        }
        while (!queue.offer(message)) {
            if (queue.poll() != null) {
                stats.messageDropped();
                if (overflowing.compareAndSet(false, true)) {
                    LOG.warn("Queue for member {} at {} is full ({} messages); dropping the oldest until it drains",
                            memberId, address, options.maxQueuedMessages());
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
        if (!ready || ch == null) {
            return;
        }
        boolean wrote = false;
        Message message;
        while (ch.isWritable() && (message = queue.poll()) != null) {
            Frame frame = MessageCodec.encode(message);
            if (frame.getSerializedSize() > options.maxFrameBytes()) {
                // The peer would close the connection on it, and every retransmission would do the same.
                stats.messageDropped();
                LOG.error("Dropped a {} for member {}: {} bytes exceed the {}-byte frame limit",
                        message.getClass().getSimpleName(), memberId, frame.getSerializedSize(),
                        options.maxFrameBytes());
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

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        ChannelFuture connecting = bootstrap.connect(address);
        channel = connecting.channel();
        connecting.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                LOG.debug("Connecting to member {} at {} failed: {}", memberId, address, done.cause().toString());
                if (channel == done.channel()) {
                    channel = null;
                    scheduleReconnect();
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
        backoff.reset();
        LOG.info("Connected to member {} at {}", memberId, address);
        drain();
    }

    void onDisconnected(Channel ch) {
        if (ch != channel) {
            return;
        }
        if (ready) {
            LOG.info("Lost connection to member {} at {}", memberId, address);
        }
        channel = null;
        ready = false;
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (closed || reconnect != null) {
            return;
        }
        stats.reconnect();
        reconnect = loop.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
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
