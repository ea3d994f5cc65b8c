package io.kayak.server;

import io.kayak.transport.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client listener (HTTP or RESP) with the protections every client port shares: its own event loops, so a
 * flood of clients never delays the Raft traffic between members (the transport has its own); a bound on open
 * connections; an idle timeout that closes slow-loris and abandoned connections; and, when configured, TLS 1.3
 * in front of everything else, so no byte reaches a protocol parser from a client that failed the handshake.
 */
final class ClientPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientPort.class);

    private final String name;
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong tlsFailures = new AtomicLong();

    /**
     * Binds {@code address} and serves each accepted connection with the handlers {@code protocol} installs.
     *
     * @param tls the TLS contexts, or {@code null} for plaintext
     */
    ClientPort(String name, InetSocketAddress address, ServerConfig config, TlsContexts tls,
               Consumer<ChannelPipeline> protocol) {
        this.name = name;
        this.group = new MultiThreadIoEventLoopGroup(2, io.kayak.transport.IoTransport.ioHandlerFactory());
        long idleMillis = config.idleTimeout().toMillis();
        try {
            this.channel = new ServerBootstrap().group(group).channel(io.kayak.transport.IoTransport.serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (open.incrementAndGet() > config.maxConnections()) {
                                open.decrementAndGet();
                                refused.incrementAndGet();
                                LOG.warn("{}: refusing {}: {} connections already open", name, ch.remoteAddress(),
                                        config.maxConnections());
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ChannelPipeline p = ch.pipeline();
                            // Idle first, so that a client stalling inside the TLS handshake is also closed.
                            p.addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                            if (tls != null) {
                                p.addLast("tls", tls.serverHandler(ch.alloc()));
                            }
                            p.addLast("guard", new Guard());
                            protocol.accept(p);
                        }
                    }).bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Publishes this port's guards to {@code registry}: {@code kayak.client.connections.open} (gauge),
     * {@code kayak.client.connections.refused} and {@code kayak.client.tls.failures} (counters), tagged with the port
     * ({@code http} or {@code resp}), so connection floods and misconfigured clients show up in monitoring.
     */
    void publish(io.micrometer.core.instrument.MeterRegistry registry, String member) {
        io.micrometer.core.instrument.Tags tags = io.micrometer.core.instrument.Tags.of("member", member, "port", name);
        io.micrometer.core.instrument.Gauge.builder("kayak.client.connections.open", open, AtomicInteger::get)
                .description("client connections open on this port").tags(tags).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("kayak.client.connections.refused", refused,
                AtomicLong::get).description("client connections refused: the connection limit was reached")
                .tags(tags).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("kayak.client.tls.failures", tlsFailures,
                AtomicLong::get).description("client connections closed because their TLS handshake failed")
                .tags(tags).register(registry);
    }

    /** Connections open now. */
    int openConnections() {
        return open.get();
    }

    /** Connections closed at once because {@link ServerConfig#maxConnections()} were open. */
    long refusedConnections() {
        return refused.get();
    }

    /** Connections closed because the TLS handshake failed (plaintext client, unknown CA, expired). */
    long tlsFailures() {
        return tlsFailures.get();
    }

    /** The failure's message, cut short: Netty's "not an SSL/TLS record" quotes the client's bytes in full. */
    static String brief(Throwable cause) {
        String message = cause == null ? "unknown" : String.valueOf(cause.getMessage());
        return message.length() <= 120 ? message : message.substring(0, 120) + "...";
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        // No quiet period: the listener is already closed, so nothing new can arrive.
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Closes idle connections and logs failed TLS handshakes once each. */
    private final class Guard extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                LOG.debug("{}: closing idle connection {}", name, ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                tlsFailures.incrementAndGet();
                LOG.warn("{}: TLS failed for {}: {}", name, ctx.channel().remoteAddress(),
                        brief(done.cause()));
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
