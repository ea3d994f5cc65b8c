package io.kayak.server;

import io.kayak.transport.TlsContexts;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;

import java.net.InetSocketAddress;

/**
 * The HTTP client port ({@link ClientPort}): HTTP/1.1 codec, an in-flight bound, bodies aggregated up to the value
 * limit, then {@link HttpApi}.
 */
final class HttpServer implements AutoCloseable {
    /** Long enough for a 1 KiB key percent-encoded three times over, plus the query. */
    private static final int MAX_INITIAL_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;

    private final ClientPort port;

    HttpServer(ServerConfig config, TlsContexts tls, HttpApi api) {
        int maxBody = config.limits().maxValueBytes();
        this.port = new ClientPort("http", config.http(), config, tls, p -> p
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                .addLast(new HttpInFlightLimit())
                .addLast(new JsonAggregator(maxBody))
                .addLast(api));
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

    /** Answers an oversized body with the API's JSON 413 instead of Netty's empty one. */
    private static final class JsonAggregator extends HttpObjectAggregator {
        JsonAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // Keep the connection (when the client allows it): the aggregator discards the rest of the body, so a
            // client still uploading reads the 413 instead of a reset connection.
            HttpApi.Responses.send(ctx, HttpApi.Responses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the body exceeds the limit of " + maxContentLength() + " bytes", null),
                    io.netty.handler.codec.http.HttpUtil.isKeepAlive(oversized));
        }
    }
}
