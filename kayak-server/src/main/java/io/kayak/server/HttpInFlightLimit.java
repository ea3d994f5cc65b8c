package io.kayak.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Bounds the HTTP requests one connection may have in flight (read but not yet answered): at the bound the
 * connection stops reading until answers go out, so one pipelining client cannot queue unbounded work on this
 * member. Requests already decoded from one read are still served, so the bound is soft by one read's worth.
 * One instance per connection.
 */
final class HttpInFlightLimit extends ChannelDuplexHandler {
    /** Requests in flight per connection before it stops reading. */
    static final int MAX_IN_FLIGHT = 64;

    private int inFlight;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest && ++inFlight >= MAX_IN_FLIGHT) {
            ctx.channel().config().setAutoRead(false);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // 413s and 400s the codec answers by itself have no request counted; never go below zero.
        if (msg instanceof HttpResponse && inFlight > 0 && --inFlight < MAX_IN_FLIGHT / 2
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        super.write(ctx, msg, promise);
    }
}
