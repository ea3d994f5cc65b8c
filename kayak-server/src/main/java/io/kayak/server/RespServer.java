package io.kayak.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/** A Netty listener speaking RESP (Netty's redis codec), with size limits enforced before anything is buffered. */
final class RespServer implements AutoCloseable {
    /** Most arguments one command may carry (DEL and EXISTS take several keys). */
    static final int MAX_ARGUMENTS = 1024;
    private static final int MAX_INLINE = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;

    RespServer(InetSocketAddress address, KvService kv) {
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        int maxBulk = Math.max(kv.limits().maxValueBytes(), kv.limits().maxKeyBytes());
        try {
            this.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new RedisEncoder())
                                    .addLast(new RedisDecoder(MAX_INLINE, io.netty.handler.codec.redis
                                            .FixedRedisMessagePool.INSTANCE, true))
                                    .addLast(new SizeGuard(maxBulk))
                                    .addLast(new RedisBulkStringAggregator())
                                    .addLast(new RedisArrayAggregator(MAX_ARGUMENTS, 2))
                                    .addLast(new RespApi(kv));
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

    /**
     * Rejects oversized bulk strings and arrays from their headers, before the aggregators buffer them: the redis
     * codec alone would accept 512 MB strings.
     */
    private static final class SizeGuard extends ChannelInboundHandlerAdapter {
        private final int maxBulk;

        SizeGuard(int maxBulk) {
            this.maxBulk = maxBulk;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof BulkStringHeaderRedisMessage h && h.bulkStringLength() > maxBulk) {
                ReferenceCountUtil.release(msg);
                throw new TooLongFrameException("a bulk string of " + h.bulkStringLength()
                        + " bytes exceeds the limit of " + maxBulk);
            }
            if (msg instanceof ArrayHeaderRedisMessage h && h.length() > MAX_ARGUMENTS) {
                ReferenceCountUtil.release(msg);
                throw new TooLongFrameException("an array of " + h.length() + " elements exceeds the limit of "
                        + MAX_ARGUMENTS);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
