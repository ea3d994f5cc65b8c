package io.kayak.server;

import io.kayak.transport.TlsContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.handler.codec.redis.FixedRedisMessagePool;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.handler.codec.redis.RedisEncoder;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/** The RESP client port ({@link ClientPort}), speaking RESP (Netty's redis codec), with size limits enforced before anything is buffered. */
final class RespServer implements AutoCloseable {
    /** Most arguments one command may carry (DEL and EXISTS take several keys). */
    static final int MAX_ARGUMENTS = 1024;
    private static final int MAX_INLINE = 64 * 1024;

    private final ClientPort port;

    RespServer(ServerConfig config, TlsContexts tls, KvService kv) {
        int maxBulk = Math.max(kv.limits().maxValueBytes(), kv.limits().maxKeyBytes());
        this.port = new ClientPort("resp", config.resp(), config, tls, p -> p
                .addLast(new RedisEncoder())
                .addLast(new RedisDecoder(MAX_INLINE, FixedRedisMessagePool.INSTANCE, true))
                .addLast(new SizeGuard(maxBulk))
                .addLast(new RedisBulkStringAggregator())
                .addLast(new RedisArrayAggregator(MAX_ARGUMENTS, 2))
                .addLast(new RespApi(kv)));
    }

    InetSocketAddress address() {
        return port.address();
    }

    ClientPort port() {
        return port;
    }

    @Override
    public void close() {
        port.close();
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
