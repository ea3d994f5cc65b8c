package io.kayak.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis protocol front end, one instance per connection: PING, GET, SET, DEL, EXISTS, INCR and
 * {@code CAS key expected new} (1 when swapped, 0 when not), with the HTTP API's consistency rules (GET and EXISTS
 * are linearizable). Replies leave in request order even though operations complete out of order, so pipelining
 * clients such as {@code redis-benchmark -P} work. Errors: {@code -TRYAGAIN} when there is no leader or quorum
 * (nothing was written), {@code -UNKNOWN outcome unknown} when a write may or may not have been applied.
 */
final class RespApi extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RespApi.class);
    private static final RedisMessage OK = new SimpleStringRedisMessage("OK");
    private static final RedisMessage PONG = new SimpleStringRedisMessage("PONG");

    /**
     * Most commands of one connection in flight at once. Beyond it the connection stops reading until half have
     * been answered, so one pipelining client cannot queue unbounded work (and memory) on this member. Commands
     * already read from the socket are still served, so the bound is soft by one read's worth.
     */
    static final int MAX_PENDING = 256;

    private final KvService kv;
    /** Replies in request order; touched only on this connection's event loop. */
    private final ArrayDeque<CompletableFuture<RedisMessage>> replies = new ArrayDeque<>();

    RespApi(KvService kv) {
        this.kv = kv;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            List<byte[]> args = arguments(msg);
            CompletableFuture<RedisMessage> reply = args == null
                    ? CompletableFuture.completedFuture(new ErrorRedisMessage("ERR expected an array of bulk strings"))
                    : execute(args);
            replies.add(reply);
            if (replies.size() >= MAX_PENDING && ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(false);
            }
            reply.whenComplete((r, e) -> ctx.executor().execute(() -> flushReady(ctx)));
            if (args != null && args.size() == 1 && name(args).equals("QUIT")) {
                reply.thenRun(() -> ctx.executor().execute(ctx::close));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void flushReady(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!replies.isEmpty() && replies.peek().isDone()) {
            CompletableFuture<RedisMessage> next = replies.poll();
            ctx.write(next.handle((r, error) -> r != null ? r : toError(error)).join());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (!ctx.channel().config().isAutoRead() && replies.size() <= MAX_PENDING / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static List<byte[]> arguments(Object msg) {
        List<byte[]> args = new ArrayList<>();
        if (msg instanceof InlineCommandRedisMessage inline) {
            for (String word : inline.content().trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    args.add(word.getBytes(StandardCharsets.UTF_8));
                }
            }
        } else if (msg instanceof ArrayRedisMessage array && !array.isNull()) {
            for (RedisMessage child : array.children()) {
                if (!(child instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
                    return null;
                }
                ByteBuf content = bulk.content();
                args.add(ByteBufUtil.getBytes(content));
            }
        } else {
            return null;
        }
        return args.isEmpty() ? null : args;
    }

    private static String name(List<byte[]> args) {
        return new String(args.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    private CompletableFuture<RedisMessage> execute(List<byte[]> args) {
        String command = name(args);
        int arity = args.size() - 1;
        return switch (command) {
            case "PING" -> arity == 0 ? done(PONG) : arity == 1 ? done(bulk(args.get(1))) : wrongArity(command);
            case "GET" -> arity != 1 ? wrongArity(command)
                    : kv.get(key(args, 1), false).thenApply(v -> v.map(b -> bulk(b.toArray()))
                            .orElse(FullBulkStringRedisMessage.NULL_INSTANCE));
            case "SET" -> arity == 2 ? kv.put(key(args, 1), Bytes.copyOf(args.get(2))).thenApply(o -> OK)
                    : arity > 2 ? done(new ErrorRedisMessage("ERR SET options are not supported"))
                    : wrongArity(command);
            case "DEL" -> arity < 1 ? wrongArity(command) : countAll(args, true);
            case "EXISTS" -> arity < 1 ? wrongArity(command) : countAll(args, false);
            case "INCR" -> arity != 1 ? wrongArity(command) : kv.increment(key(args, 1)).thenApply(o ->
                    o.status() == Outcome.Status.INCREMENTED ? new IntegerRedisMessage(o.number())
                            : new ErrorRedisMessage("ERR value is not an integer or out of range"));
            case "CAS" -> arity != 3 ? wrongArity(command)
                    : kv.compareAndSet(key(args, 1), Bytes.copyOf(args.get(2)), Bytes.copyOf(args.get(3)))
                            .thenApply(o -> new IntegerRedisMessage(o.status() == Outcome.Status.SWAPPED ? 1 : 0));
            // redis-cli asks for command docs at start: an empty answer tells it there is nothing to learn.
            case "COMMAND" -> done(new ArrayRedisMessage(List.of()));
            case "CONFIG" -> config(args);
            case "QUIT" -> done(OK);
            default -> done(new ErrorRedisMessage("ERR unknown command '" + printable(command) + "'"));
        };
    }

    /**
     * {@code CONFIG GET name...}: redis-benchmark reads {@code save} and {@code appendonly} before it starts. The
     * server has no Redis configuration, so every name maps to an empty value.
     */
    private static CompletableFuture<RedisMessage> config(List<byte[]> args) {
        if (args.size() < 3 || !new String(args.get(1), StandardCharsets.UTF_8).equalsIgnoreCase("GET")) {
            return done(new ErrorRedisMessage("ERR only CONFIG GET is supported"));
        }
        List<RedisMessage> pairs = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) {
            pairs.add(bulk(args.get(i)));
            pairs.add(bulk(new byte[0]));
        }
        return done(new ArrayRedisMessage(pairs));
    }

    /** DEL or EXISTS over several keys: one operation per key, the count of those that found their key. */
    private CompletableFuture<RedisMessage> countAll(List<byte[]> args, boolean delete) {
        List<CompletableFuture<Boolean>> each = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            Bytes key = Bytes.copyOf(args.get(i));
            each.add(delete ? kv.delete(key).thenApply(o -> o.status() == Outcome.Status.DELETED)
                    : kv.exists(key, false));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(ignored ->
                new IntegerRedisMessage(each.stream().filter(CompletableFuture::join).count()));
    }

    private static Bytes key(List<byte[]> args, int position) {
        return Bytes.copyOf(args.get(position));
    }

    private static CompletableFuture<RedisMessage> done(RedisMessage reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static CompletableFuture<RedisMessage> wrongArity(String command) {
        return done(new ErrorRedisMessage("ERR wrong number of arguments for '" + command.toLowerCase(Locale.ROOT)
                + "' command"));
    }

    private static RedisMessage bulk(byte[] data) {
        return new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(data));
    }

    private static RedisMessage toError(Throwable error) {
        Throwable cause = KvService.unwrap(error);
        if (cause instanceof Failure f) {
            return switch (f.kind()) {
                case UNAVAILABLE -> new ErrorRedisMessage("TRYAGAIN " + oneLine(f.getMessage())
                        + (f.leader() != null ? " (leader " + f.leader() + ")" : ""));
                case OUTCOME_UNKNOWN -> new ErrorRedisMessage("UNKNOWN outcome unknown");
                default -> new ErrorRedisMessage("ERR " + oneLine(f.getMessage()));
            };
        }
        LOG.warn("RESP command failed unexpectedly", cause);
        return new ErrorRedisMessage("ERR " + oneLine(String.valueOf(cause.getMessage())));
    }

    /** RESP errors are one line: a newline in a message would break the framing. */
    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ');
    }

    private static String printable(String s) {
        String line = oneLine(s);
        return line.length() > 64 ? line.substring(0, 64) + "..." : line;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing RESP connection after error", cause);
        ctx.writeAndFlush(new ErrorRedisMessage("ERR " + printable(String.valueOf(cause.getMessage()))))
                .addListener(f -> ctx.close());
    }
}
