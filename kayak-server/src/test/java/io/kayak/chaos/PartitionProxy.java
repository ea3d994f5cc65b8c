package io.kayak.chaos;

import io.kayak.cli.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A TCP proxy in front of one member's peer port: the member advertises the proxy, so every peer connection to it
 * passes here. On accept the proxy identifies the dialing member ({@link DialerLookup}) and asks the {@link Network}
 * whether that member may reach this one; forbidden connections are closed at once, allowed ones are pumped by one
 * thread per direction, which re-checks the rule and applies the configured delay for every chunk.
 *
 * <p>Kayak keeps one outbound connection per ordered member pair, so cutting the pair (from, to) at {@code to}'s
 * proxy silences exactly what {@code from} sends to {@code to} (and the replies on that connection).
 *
 * <p>The proxy is made before its member, whose {@code --advertise} it is; the member listens on port 0 and the
 * proxy learns the port ({@link #target}) once the member has bound it.
 */
final class PartitionProxy implements AutoCloseable {
    /** How long a connection accepted before the member's port is known waits for it. */
    private static final long TARGET_WAIT_SECONDS = 10;

    private final String member;
    /** The member's own peer address: known once it bound it, and kept across its restarts. */
    private final CompletableFuture<HostPort> target = new CompletableFuture<>();
    private final Network network;
    private final Supplier<Map<Long, String>> membersByPid;
    private final ServerSocket server;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final AtomicLong unidentified = new AtomicLong();
    private volatile boolean closed;

    PartitionProxy(String member, Network network, Supplier<Map<Long, String>> membersByPid) throws IOException {
        this.member = member;
        this.network = network;
        this.membersByPid = membersByPid;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        network.register(this);
        Thread acceptor = new Thread(this::acceptLoop, "proxy-" + member);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    /** Points the proxy at the peer address its member bound (the first report counts; restarts bind the same). */
    void target(HostPort bound) {
        target.complete(bound);
    }

    /** Connections whose dialer could not be identified (each was treated conservatively). */
    long unidentified() {
        return unidentified.get();
    }

    /** Closes the connections that the network no longer allows. */
    void dropForbidden() {
        for (Pipe pipe : pipes) {
            if (!network.allows(pipe.from, member)) {
                pipe.close();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket inbound;
            try {
                inbound = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            try {
                accept(inbound);
            } catch (IOException | RuntimeException e) {
                quietlyClose(inbound);
            }
        }
    }

    private void accept(Socket inbound) throws IOException {
        Map<Long, String> byPid = membersByPid.get();
        OptionalLong pid = DialerLookup.dialer(inbound.getPort(), server.getLocalPort(), byPid.keySet());
        String from = pid.isPresent() ? byPid.get(pid.getAsLong()) : null;
        if (from == null) {
            unidentified.incrementAndGet();
        }
        if (!network.allows(from, member)) {
            inbound.close();
            return;
        }
        HostPort to = memberAddress();
        if (to == null) {
            inbound.close();
            return;
        }
        Socket outbound = new Socket();
        try {
            outbound.connect(new InetSocketAddress(to.host(), to.port()), 2_000);
        } catch (IOException down) {
            // The member is down (killed): refuse, as the member itself would.
            outbound.close();
            inbound.close();
            return;
        }
        inbound.setTcpNoDelay(true);
        outbound.setTcpNoDelay(true);
        Pipe pipe = new Pipe(from, inbound, outbound);
        pipes.add(pipe);
        if (closed) {
            pipe.close();
            return;
        }
        pipe.start();
    }

    /**
     * The member's peer address, waiting for it while the member is still binding (peers may dial a joining member
     * before the harness has read its report); null if it never comes.
     */
    private HostPort memberAddress() {
        try {
            return target.get(TARGET_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        target.cancel(false);
        network.unregister(this);
        quietlyClose(server);
        for (Pipe pipe : pipes) {
            pipe.close();
        }
    }

    private static void quietlyClose(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    /** One proxied connection: a pump thread per direction. */
    private final class Pipe {
        private final String from;
        private final Socket inbound;
        private final Socket outbound;

        Pipe(String from, Socket inbound, Socket outbound) {
            this.from = from;
            this.inbound = inbound;
            this.outbound = outbound;
        }

        void start() throws IOException {
            pump(inbound.getInputStream(), outbound.getOutputStream(), "in");
            pump(outbound.getInputStream(), inbound.getOutputStream(), "out");
        }

        private void pump(InputStream in, OutputStream out, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[32 * 1024];
                try {
                    int n;
                    while (!closed && (n = in.read(buffer)) >= 0) {
                        if (!network.allows(from, member)) {
                            break;
                        }
                        long delay = network.delayMillis(member);
                        if (delay > 0) {
                            Thread.sleep(delay);
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (SocketException closedByTheOtherSide) {
                    // normal end of a connection
                } catch (IOException | InterruptedException e) {
                    // the connection is over either way
                } finally {
                    close();
                }
            }, "proxy-" + member + "-" + from + "-" + direction);
            t.setDaemon(true);
            t.start();
        }

        void close() {
            quietlyClose(inbound);
            quietlyClose(outbound);
            pipes.remove(this);
        }
    }
}
