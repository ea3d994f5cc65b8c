package io.kayak.transport;

import io.kayak.core.Message;
import io.kayak.transport.proto.RaftProto.Frame;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries Raft {@link Message}s, and requests forwarded between members with their answers ({@link Rpc}),
 * between the members of one cluster over TCP, as length-prefixed protobuf frames (see
 * {@code docs/transport.md}).
 *
 * <p><b>Sending.</b> {@link #send} never blocks and may be called from any thread. Each peer gets one persistent
 * outbound connection, opened on the first send and re-opened with exponential backoff whenever it fails. A
 * message is written only after the peer accepted the handshake; until then, and while the socket is full, it
 * waits in a bounded per-peer queue whose oldest entries are dropped when it overflows. Delivery is therefore
 * <em>at most once, in order per peer, with possible gaps</em> — exactly what Raft tolerates. Drops are counted
 * in {@link #stats()}.
 *
 * <p><b>Forwarded requests.</b> {@link #send(InetSocketAddress, Rpc)} needs only an address: the sender may not
 * know which member listens there (a host that is joining knows its peers' addresses only, and the answer goes
 * back to the address the request names). Rpcs therefore travel on a separate connection per address, whose
 * handshake asks for "any member" of the cluster, with the same queueing and delivery guarantees. Such a
 * connection is opened on demand and not re-opened once its queue is empty. When an attempt to open it fails
 * (connection refused, unreachable, TLS or handshake refused), what waits for it is dropped and the requests among
 * it are reported to {@link MessageHandler#onUndelivered} with the reason, so a requester learns at once that the
 * address cannot be reached.
 *
 * <p><b>Receiving.</b> After {@link #start}, accepted connections must open with a handshake naming this
 * cluster and this member; each valid message from the handshaken member to this member is then passed to the
 * {@link MessageHandler}, on an event loop thread, and so is each valid {@link Rpc}. A peer that sends anything else — malformed or oversize
 * frames, messages Raft could not produce, messages under another name — is disconnected and counted.
 *
 * <p>Messages travel one way per connection: a member's replies go over its own outbound connection.
 */
public final class NettyTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    private final TransportOptions options;
    private final MessageHandler handler;
    private final TransportStats stats = new TransportStats();
    private final EventLoopGroup group;
    private final EventLoop firstLoop;
    private final ChannelGroup channels = new DefaultChannelGroup("kayak-transport", GlobalEventExecutor.INSTANCE);
    /** Member connections (Raft messages), by member id. */
    private final Map<String, PeerConnection> peers = new ConcurrentHashMap<>();
    /** Address connections (forwarded requests and answers), by the address the sender named. */
    private final Map<InetSocketAddress, PeerConnection> addressPeers = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel serverChannel;
    /** Null for plaintext. */
    private final TlsContexts tls;
    private final ClusterIdentity cluster;
    /** Inbound connections open now, bounded by {@link TransportOptions#maxConnections()}. */
    private final AtomicInteger inbound = new AtomicInteger();

    /** Creates the event loops; nothing is bound or connected until {@link #start} or {@link #send}. */
    public NettyTransport(TransportOptions options, MessageHandler handler) {
        this.options = Objects.requireNonNull(options, "options");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.cluster = new ClusterIdentity(options.clusterId());
        // Load the certificates before any thread starts, so a bad file fails the constructor, not a connection.
        this.tls = options.tls() == null ? null : TlsContexts.forMembers(options.tls());
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                new DefaultThreadFactory("kayak-net-" + options.memberId()), IoTransport.ioHandlerFactory());
        this.firstLoop = (EventLoop) group.iterator().next();
        if (tls != null) {
            long every = options.tlsReloadInterval().toMillis();
            group.next().scheduleWithFixedDelay(tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Re-reads the TLS files now; connections opened from now on use them, open ones keep theirs. The files are
     * also checked every {@link TransportOptions#tlsReloadInterval()}.
     *
     * @throws IllegalStateException    if this transport runs without TLS
     * @throws IllegalArgumentException if the files cannot be loaded; the previous certificates stay in use
     */
    public void reloadTls() {
        if (tls == null) {
            throw new IllegalStateException("this transport runs without TLS");
        }
        tls.reload();
    }

    /**
     * Binds the listening socket; blocks until bound. Port 0 picks a free port.
     *
     * @return the address actually bound
     * @throws IOException           if the address cannot be bound (in use, not local)
     * @throws IllegalStateException if already started or closed
     */
    public InetSocketAddress start(InetSocketAddress listenAddress) throws IOException {
        Objects.requireNonNull(listenAddress, "listenAddress");
        if (closed.get()) {
            throw new IllegalStateException("transport closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("transport already started");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(IoTransport.serverChannel())
                // A restarted member must get its port back at once, not after TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (inbound.incrementAndGet() > options.maxConnections()) {
                            inbound.decrementAndGet();
                            stats.connectionRefused();
                            LOG.warn("Refusing connection from {}: {} connections already open",
                                    ch.remoteAddress(), options.maxConnections());
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> inbound.decrementAndGet());
                        channels.add(ch);
                        Pipelines.install(ch.pipeline(), tls == null ? null : tls.serverHandler(ch.alloc()),
                                options.maxFrameBytes(), stats,
                                new InboundConnection(options, cluster, stats, handler));
                    }
                });
        ChannelFuture bound = bootstrap.bind(listenAddress).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            started.set(false);
            Throwable cause = bound.cause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException("cannot bind " + listenAddress, cause);
        }
        serverChannel = bound.channel();
        channels.add(serverChannel);
        InetSocketAddress local = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("Member {} of cluster {} listening on {}{}", options.memberId(),
                cluster.get().isEmpty() ? "(to be learnt by joining)" : cluster.get(), local,
                tls == null ? " (plaintext)" : " (mutual TLS 1.3)");
        return local;
    }

    /**
     * Queues {@code message} for member {@code memberId} at {@code address} and returns at once. The first send
     * to a member opens its connection; a send naming a new address for a known member replaces the old
     * connection (its queued messages are dropped). After {@link #close} messages are dropped and counted.
     *
     * @throws IllegalArgumentException if the message is not from this member to {@code memberId} — the
     *                                  receiver would refuse it, so the mistake is reported here instead
     */
    public void send(String memberId, InetSocketAddress address, Message message) {
        Objects.requireNonNull(address, "address");
        if (!message.to().equals(memberId)) {
            throw new IllegalArgumentException("message for " + message.to() + " sent to member " + memberId);
        }
        if (!message.from().equals(options.memberId())) {
            throw new IllegalArgumentException("message from " + message.from() + " sent by member "
                    + options.memberId());
        }
        if (closed.get()) {
            stats.messageDropped();
            return;
        }
        peer(memberId, address).send(message);
    }

    /**
     * Queues a snapshot chunk or ack for member {@code memberId} at {@code address}, on the same connection as Raft
     * messages to it, and returns at once. Encoded here (a chunk's data is copied).
     *
     * @throws IllegalArgumentException if the frame is not from this member to {@code memberId}, or is invalid
     *                                  ({@link SnapshotCodec})
     */
    public void send(String memberId, InetSocketAddress address, SnapshotFrame snapshotFrame) {
        Objects.requireNonNull(address, "address");
        if (!snapshotFrame.to().equals(memberId) || !snapshotFrame.from().equals(options.memberId())) {
            throw new IllegalArgumentException(snapshotFrame + " sent by member " + options.memberId() + " to "
                    + memberId);
        }
        Frame frame = SnapshotCodec.encode(snapshotFrame);
        if (closed.get()) {
            stats.messageDropped();
            return;
        }
        peer(memberId, address).send(frame);
    }

    /**
     * Queues a forwarded request or answer for whichever member of this cluster listens at {@code address} and
     * returns at once. It is encoded here, so the caller may reuse its arrays afterwards. The first send to an
     * address opens a connection to it (with an empty handshake target); if that attempt fails, the rpcs waiting
     * for it are dropped and the requests among them reported to {@link MessageHandler#onUndelivered}. After
     * {@link #close} rpcs are dropped and counted.
     *
     * @throws IllegalArgumentException if {@code rpc} is invalid ({@link RpcCodec}) — the receiver would refuse
     *                                  it, so the mistake is reported here instead
     */
    public void send(InetSocketAddress address, Rpc rpc) {
        Objects.requireNonNull(address, "address");
        // Every answer names the cluster it comes from: a joiner learns the id it must present from its JOIN answer.
        Frame frame = RpcCodec.encode(rpc instanceof Rpc.Response r ? r.stampedBy(cluster.get()) : rpc);
        if (closed.get()) {
            stats.messageDropped();
            return;
        }
        addressPeer(address).send(frame);
    }

    /**
     * Fixes this member's cluster id once it has joined (it starts empty when joining, see
     * {@link TransportOptions#clusterId()}); every handshake from now on presents and expects it. Address
     * connections opened without it are closed, so the next rpc reconnects with the full identity.
     *
     * @throws IllegalStateException if another cluster id is already fixed
     */
    public void adoptClusterId(String clusterId) {
        if (cluster.adopt(clusterId)) {
            LOG.info("Member {} joined cluster {}", options.memberId(), clusterId);
            addressPeers.values().forEach(PeerConnection::close);
            addressPeers.clear();
        }
    }

    /** The cluster id this member presents and expects; empty while it is joining. */
    public String clusterId() {
        return cluster.get();
    }

    /**
     * Closes the connection to {@code memberId}, stops reconnecting to it and drops its queued messages (for a
     * member removed from the cluster). A later {@link #send} to it connects afresh. Unknown members are ignored.
     */
    public void disconnect(String memberId) {
        PeerConnection peer = peers.remove(memberId);
        if (peer != null) {
            peer.close();
        }
    }

    /** This transport's counters; live, never reset. */
    public TransportStats stats() {
        return stats;
    }

    public TransportOptions options() {
        return options;
    }

    /**
     * Stops listening, closes every connection and stops the event loops, waiting at most
     * {@link TransportOptions#shutdownTimeout()} for each step. Messages still queued are dropped. Idempotent.
     * Must not be called from a {@link MessageHandler} (it would wait for its own thread).
     *
     * @throws IllegalStateException if called on one of this transport's event loop threads
     */
    @Override
    public void close() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("close() called on the transport's own event loop");
            }
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long timeoutMillis = options.shutdownTimeout().toMillis();
        peers.values().forEach(PeerConnection::close);
        peers.clear();
        addressPeers.values().forEach(PeerConnection::close);
        addressPeers.clear();
        channels.close().awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS);
        // No quiet period: nothing new can arrive once every channel is closed.
        if (!group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(timeoutMillis, TimeUnit.MILLISECONDS)) {
            LOG.warn("Transport event loops of member {} did not stop within {} ms", options.memberId(),
                    timeoutMillis);
        }
        LOG.info("Member {} transport closed: {}", options.memberId(), stats);
    }

    /**
     * The first of the transport's event loops (with {@link TransportOptions#ioThreads()} 1, the one every
     * connection is served by). Work run there talks to connections on that loop without a thread hand-off; it
     * must never block for long, or every connection on the loop waits.
     */
    public EventLoop firstLoop() {
        return firstLoop;
    }

    /** The connection currently used for {@code memberId}; visible for tests. */
    PeerConnection peerConnection(String memberId) {
        return peers.get(memberId);
    }

    /** The connection currently used for rpcs to {@code address}; visible for tests. */
    PeerConnection addressConnection(InetSocketAddress address) {
        return addressPeers.get(address);
    }

    private PeerConnection addressPeer(InetSocketAddress address) {
        PeerConnection current = addressPeers.get(address);
        if (current != null) {
            return current;
        }
        PeerConnection[] created = new PeerConnection[1];
        PeerConnection chosen = addressPeers.computeIfAbsent(address, a -> {
            created[0] = new PeerConnection("", a, group.next(), options, stats, channels, tls, cluster,
                    handler::onUndelivered);
            return created[0];
        });
        if (created[0] != null) {
            created[0].start();
        }
        if (closed.get()) {
            // close() ran concurrently and may have missed the new connection.
            chosen.close();
        }
        return chosen;
    }

    private PeerConnection peer(String memberId, InetSocketAddress address) {
        PeerConnection current = peers.get(memberId);
        if (current != null && current.address().equals(address)) {
            return current;
        }
        PeerConnection[] created = new PeerConnection[1];
        PeerConnection chosen = peers.compute(memberId, (id, existing) -> {
            if (existing != null && existing.address().equals(address)) {
                return existing;
            }
            if (existing != null) {
                LOG.info("Member {} moved from {} to {}", id, existing.address(), address);
                existing.close();
            }
            created[0] = new PeerConnection(id, address, group.next(), options, stats, channels, tls, cluster,
                    (to, requests, reason) -> { });
            return created[0];
        });
        if (created[0] != null) {
            created[0].start();
        }
        if (closed.get()) {
            // close() ran concurrently and may have missed the new connection.
            chosen.close();
        }
        return chosen;
    }
}
