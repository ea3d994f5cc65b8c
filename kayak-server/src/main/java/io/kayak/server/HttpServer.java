package io.kayak.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;

/** A Netty listener: HTTP/1.1 codec, bodies aggregated up to the value limit, then {@link HttpApi}. */
final class HttpServer implements AutoCloseable {
    /** Long enough for a 1 KiB key percent-encoded three times over, plus the query. */
    private static final int MAX_INITIAL_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;

    HttpServer(InetSocketAddress address, HttpApi api, int maxBody) {
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            this.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                                    .addLast(new JsonAggregator(maxBody))
                                    .addLast(api);
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

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        // No quiet period: the listener is already closed, so nothing new can arrive.
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers an oversized body with the API's JSON 413 instead of Netty's empty one. */
    private static final class JsonAggregator extends HttpObjectAggregator {
        JsonAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            HttpApi.Responses.send(ctx, HttpApi.Responses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the body exceeds the limit of " + maxContentLength() + " bytes", null), false);
        }
    }
}
