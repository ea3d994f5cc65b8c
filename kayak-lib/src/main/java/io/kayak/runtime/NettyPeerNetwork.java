package io.kayak.runtime;

import io.kayak.KayakException;
import io.kayak.core.Message;
import io.kayak.transport.MessageHandler;
import io.kayak.transport.NettyTransport;
import io.kayak.transport.Rpc;
import io.kayak.transport.SnapshotFrame;
import io.kayak.transport.TransportOptions;
import io.kayak.transport.TransportStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link PeerNetwork}: a {@link NettyTransport} listening on one {@code host:port}.
 *
 * <p>Raft messages go over the connection to the member the message names ({@link Message#to()}) at the given
 * address; forwarded requests and answers go over a connection to the address alone, since their sender may know
 * nothing more (a joining host, or a member answering one). Addresses are {@code host:port} strings, IPv6 hosts
 * in brackets ({@code [::1]:7000}); they are parsed once and cached. A host name is resolved when a connection is
 * opened, on a transport thread, never on the caller's. An address that cannot be parsed is logged once and
 * everything sent to it is dropped: like any other loss, Raft and the requesters' deadlines cope, and the caller
 * (the raft thread) never sees an exception for what a peer advertised. A request ({@link Rpc.Request}) sent to
 * such an address, or dropped because the transport could not connect to its address, is reported to
 * {@link Inbound#onUndelivered} instead, so its requester learns at once why no answer will come.
 *
 * <p>Thread-safe. Sending before {@link #bind} or after {@link #close} drops silently; what arrives between
 * {@link #bind} and {@link #start} is dropped too.
 */
public final class NettyPeerNetwork implements PeerNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(NettyPeerNetwork.class);
    /**
     * Bound on the parsed-address cache. A cluster has a handful of addresses, but answers go to whatever address
     * a request names; the bound keeps a stream of distinct bogus addresses from growing memory.
     */
    private static final int MAX_CACHED_ADDRESSES = 4096;

    private final String listenAddress;
    private final InetSocketAddress listen;
    private final UnaryOperator<TransportOptions.Builder> tweaks;
    private final Map<String, InetSocketAddress> parsed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> unparsable = new ConcurrentHashMap<>();
    private volatile NettyTransport transport;
    private volatile InetSocketAddress bound;
    /** {@code clusterId/selfId} the socket was bound as; start must name the same. */
    private String boundAs;
    /** Where what arrives goes; null until {@link #start}, and what arrives before is dropped. */
    private volatile Inbound inbound;
    private final CompletableFuture<InetSocketAddress> whenBound = new CompletableFuture<>();
    private volatile boolean closed;

    /** A network that will listen on {@code listenAddress} ({@code host:port}) with default transport options. */
    public NettyPeerNetwork(String listenAddress) {
        this(listenAddress, UnaryOperator.identity());
    }

    /**
     * A network that will listen on {@code listenAddress} ({@code host:port}; port 0 picks a free port, see
     * {@link #boundAddress()}), with {@code tweaks} applied to the transport options (frame limit, queue bound,
     * timeouts, threads). Cluster and member id come from {@link #start}.
     *
     * @throws KayakException if {@code listenAddress} is not {@code host:port}
     */
    public NettyPeerNetwork(String listenAddress, UnaryOperator<TransportOptions.Builder> tweaks) {
        this.listenAddress = Objects.requireNonNull(listenAddress, "listenAddress");
        this.tweaks = Objects.requireNonNull(tweaks, "tweaks");
        InetSocketAddress address = parse(listenAddress);
        if (address == null) {
            throw new KayakException("invalid listen address '" + listenAddress + "': expected host:port");
        }
        // Binding needs a resolved address; resolving here, once, is fine: the caller is the one opening a host.
        this.listen = new InetSocketAddress(address.getHostString(), address.getPort());
    }

    /**
     * Binds the listening socket as member {@code selfId} of {@code clusterId}, before {@link #start}: what arrives
     * until then is dropped. Completes {@link #whenBound()}.
     *
     * @return the address actually bound (the real port when listening on port 0)
     * @throws KayakException        if the listen address cannot be bound (in use, not local); names the address
     * @throws IllegalStateException if already bound or closed
     */
    @Override
    public InetSocketAddress bind(String clusterId, String selfId) {
        if (closed) {
            throw new IllegalStateException("peer network closed");
        }
        TransportOptions options = tweaks.apply(TransportOptions.builder(clusterId, selfId)).build();
        NettyTransport created;
        InetSocketAddress address;
        synchronized (this) {
            if (transport != null) {
                throw new IllegalStateException("peer network already bound");
            }
            // The transport hands what arrives to whichever inbound start() has set by then; before that, nothing.
            created = new NettyTransport(options, new MessageHandler() {
                @Override
                public void onMessage(Message message) {
                    Inbound target = inbound;
                    if (target != null) {
                        target.onMessage(message);
                    }
                }

                @Override
                public void onRpc(Rpc rpc) {
                    Inbound target = inbound;
                    if (target != null) {
                        target.onRpc(rpc);
                    }
                }

                @Override
                public void onSnapshot(SnapshotFrame frame) {
                    Inbound target = inbound;
                    if (target != null) {
                        target.onSnapshot(frame);
                    }
                }

                @Override
                public void onUndelivered(InetSocketAddress address, List<Long> requestIds, String reason) {
                    Inbound target = inbound;
                    if (target != null) {
                        target.onUndelivered(format(address), requestIds, reason);
                    }
                }
            });
            try {
                address = created.start(listen);
            } catch (IOException | RuntimeException e) {
                created.close();
                throw new KayakException("cannot listen on " + listenAddress + ": " + e.getMessage(), e);
            }
            bound = address;
            boundAs = clusterId + "/" + selfId;
            transport = created;
        }
        if (closed) {
            // close() ran while binding and found no transport to close.
            created.close();
        }
        whenBound.complete(address);
        return address;
    }

    /**
     * Starts handing what arrives to {@code inbound}, binding the listening socket first unless {@link #bind} did.
     *
     * @throws KayakException        if the listen address cannot be bound (in use, not local); names the address
     * @throws IllegalStateException if already started or closed, or bound under other ids
     */
    @Override
    public void start(String clusterId, String selfId, Inbound inbound) {
        Objects.requireNonNull(inbound, "inbound");
        if (closed) {
            throw new IllegalStateException("peer network closed");
        }
        synchronized (this) {
            if (this.inbound != null) {
                throw new IllegalStateException("peer network already started");
            }
            if (transport == null) {
                bind(clusterId, selfId);
            } else if (!boundAs.equals(clusterId + "/" + selfId)) {
                throw new IllegalStateException("bound as " + boundAs + ", started as " + clusterId + "/" + selfId);
            }
            this.inbound = inbound;
        }
    }

    /**
     * Completes with the address actually bound once the listening socket is bound, on the thread that bound it
     * (so before the host that owns this network sends anything); never completes if binding fails.
     */
    public CompletionStage<InetSocketAddress> whenBound() {
        return whenBound.minimalCompletionStage();
    }

    @Override
    public void adoptClusterId(String clusterId) {
        NettyTransport t = transport;
        if (t != null) {
            t.adoptClusterId(clusterId);
        }
    }

    @Override
    public void send(String address, Message message) {
        NettyTransport t = transport;
        InetSocketAddress to = resolve(address);
        if (t == null || to == null) {
            return;
        }
        t.send(message.to(), to, message);
    }

    @Override
    public void send(String address, Rpc rpc) {
        NettyTransport t = transport;
        InetSocketAddress to = resolve(address);
        if (t == null) {
            return;
        }
        if (to == null) {
            if (rpc instanceof Rpc.Request request && inbound != null) {
                inbound.onUndelivered(address, List.of(request.id()), "not a host:port address");
            }
            return;
        }
        t.send(to, rpc);
    }

    @Override
    public void send(String address, SnapshotFrame frame) {
        NettyTransport t = transport;
        InetSocketAddress to = resolve(address);
        if (t == null || to == null) {
            return;
        }
        t.send(frame.to(), to, frame);
    }

    /**
     * The transport's first event loop: with the default single I/O thread, the one every connection lives on, so
     * the raft loop sharing it reads and writes its peers' sockets directly.
     */
    @Override
    public ScheduledExecutorService sharedLoop() {
        NettyTransport t = transport;
        return t == null ? null : t.firstLoop();
    }

    /** The address actually bound (the real port when listening on port 0); null before {@link #bind}. */
    public InetSocketAddress boundAddress() {
        return bound;
    }

    /** The transport's counters; null before {@link #start}. */
    @Override
    public TransportStats stats() {
        NettyTransport t = transport;
        return t == null ? null : t.stats();
    }

    /** Closes every connection and stops the transport's threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        NettyTransport t;
        synchronized (this) {
            t = transport;
        }
        if (t != null) {
            t.close();
        }
    }

    private InetSocketAddress resolve(String address) {
        if (address == null) {
            return null;
        }
        InetSocketAddress cached = parsed.get(address);
        if (cached != null) {
            return cached;
        }
        InetSocketAddress fresh = parse(address);
        if (fresh == null) {
            if (unparsable.size() < MAX_CACHED_ADDRESSES && unparsable.putIfAbsent(address, Boolean.TRUE) == null) {
                LOG.warn("Dropping what is sent to '{}': not a host:port address", address);
            }
            return null;
        }
        if (parsed.size() >= MAX_CACHED_ADDRESSES) {
            parsed.clear();
        }
        parsed.put(address, fresh);
        return fresh;
    }

    /** {@code address} as {@code host:port}, an IPv6 host in brackets: the form {@link #parse} reads. */
    static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * {@code host:port} (IPv6 host in brackets) as an unresolved address, or null if it is not one. Unresolved,
     * so that no DNS lookup happens on the caller's thread; the transport resolves when it connects.
     */
    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return null;
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            // An IPv6 literal without brackets: its last group would be mistaken for the port.
            return null;
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '[' || c == ']' || c == '/')) {
            return null;
        }
        String port = address.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int number = Integer.parseInt(port);
        if (number > 65535) {
            return null;
        }
        return InetSocketAddress.createUnresolved(host, number);
    }
}
