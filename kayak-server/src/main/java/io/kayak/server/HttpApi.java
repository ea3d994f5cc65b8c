package io.kayak.server;

import io.kayak.Host;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The HTTP API (see {@code docs/server.md}): {@code /v1/kv/{key}}, {@code /v1/sessions}, {@code /v1/status},
 * {@code /v1/members/{id}/remove}, {@code /v1/members/{id}/transfer-leadership}, {@code /metrics} and the status
 * page at {@code /}. Never blocks the event loop: every Kayak call is a future whose completion writes the response.
 * Errors are JSON {@code {"error": "...", "leader": "host:port"}}. A write with the {@link SessionHeaders} is made in
 * that client session, so a retry of it is answered with the first copy's status and body.
 */
@ChannelHandler.Sharable
final class HttpApi extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String KV = "/v1/kv/";
    private static final String MEMBERS = "/v1/members/";
    private static final String SESSIONS = "/v1/sessions";

    private final Host host;
    private final KvService kv;
    private final SessionOpener sessions;
    private final SelfStatus self;
    private final PeerPoller peers;
    private final Supplier<String> metrics;
    private final byte[] statusPage;

    HttpApi(Host host, KvService kv, SessionOpener sessions, SelfStatus self, PeerPoller peers,
            Supplier<String> metrics, byte[] statusPage) {
        this.host = host;
        this.kv = kv;
        this.sessions = sessions;
        this.self = self;
        this.peers = peers;
        this.metrics = metrics;
        this.statusPage = statusPage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, "malformed request", null), false);
            return;
        }
        try {
            route(ctx, request, keepAlive);
        } catch (Failure f) {
            Responses.send(ctx, Responses.failure(f), keepAlive);
        } catch (MethodNotAllowed wrongMethod) {
            Responses.send(ctx, methodNotAllowed(), keepAlive);
        } catch (IllegalArgumentException bad) {
            Responses.send(ctx, Responses.error(HttpResponseStatus.BAD_REQUEST, bad.getMessage(), null), keepAlive);
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String rawPath = uri.rawPath();
        HttpMethod method = request.method();
        if (rawPath.startsWith(KV)) {
            Bytes key = Bytes.utf8(QueryStringDecoder.decodeComponent(rawPath.substring(KV.length())));
            Map<String, List<String>> params = uri.parameters();
            if (method.equals(HttpMethod.GET)) {
                reply(ctx, keepAlive, kv.get(key, localRead(params)).thenApply(value -> value
                        .map(v -> Responses.raw(HttpResponseStatus.OK, v.toArray(), "application/octet-stream"))
                        .orElseGet(() -> Responses.error(HttpResponseStatus.NOT_FOUND, "no such key", null))));
            } else if (method.equals(HttpMethod.PUT)) {
                Bytes value = Bytes.copyOf(ByteBufUtil.getBytes(request.content()));
                String expected = single(params, "prevValue");
                SessionSequence at = SessionHeaders.parse(request.headers());
                if (expected == null) {
                    reply(ctx, keepAlive, kv.put(key, value, at).thenApply(HttpApi::indexOk));
                } else {
                    reply(ctx, keepAlive, kv.compareAndSet(key, Bytes.utf8(expected), value, at).thenApply(o ->
                            o.status() == Outcome.Status.SWAPPED ? indexOk(o)
                                    : Responses.error(HttpResponseStatus.PRECONDITION_FAILED,
                                            "the current value is not prevValue", null)));
                }
            } else if (method.equals(HttpMethod.DELETE)) {
                SessionSequence at = SessionHeaders.parse(request.headers());
                reply(ctx, keepAlive, kv.delete(key, at).thenApply(o -> o.status() == Outcome.Status.DELETED
                        ? indexOk(o) : Responses.error(HttpResponseStatus.NOT_FOUND, "no such key", null)));
            } else if (method.equals(HttpMethod.POST) && single(params, "op") != null) {
                if (!"increment".equals(single(params, "op"))) {
                    throw new IllegalArgumentException("op must be increment");
                }
                SessionSequence at = SessionHeaders.parse(request.headers());
                reply(ctx, keepAlive, kv.increment(key, at).thenApply(HttpApi::incremented));
            } else {
                Responses.send(ctx, methodNotAllowed(), keepAlive);
            }
        } else if (rawPath.equals(SESSIONS)) {
            if (!method.equals(HttpMethod.POST)) {
                Responses.send(ctx, methodNotAllowed(), keepAlive);
                return;
            }
            reply(ctx, keepAlive, sessions.open().thenApply(id -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("session", id);
                return Responses.json(HttpResponseStatus.OK, body);
            }));
        } else if (rawPath.equals("/v1/status")) {
            requireGet(method);
            Responses.send(ctx, Responses.json(HttpResponseStatus.OK, status(uri.parameters())), keepAlive);
        } else if (rawPath.startsWith(MEMBERS) && rawPath.endsWith("/transfer-leadership")) {
            if (!method.equals(HttpMethod.POST)) {
                Responses.send(ctx, methodNotAllowed(), keepAlive);
                return;
            }
            String id = QueryStringDecoder.decodeComponent(rawPath.substring(MEMBERS.length(),
                    rawPath.length() - "/transfer-leadership".length()));
            if (id.isEmpty()) {
                throw new IllegalArgumentException("missing member id");
            }
            reply(ctx, keepAlive, host.transferLeadership(id).handle((ok, error) -> {
                if (error == null) {
                    return Responses.json(HttpResponseStatus.OK, Map.of("leader", id));
                }
                Throwable cause = KvService.unwrap(error);
                if (cause instanceof io.kayak.NotLeaderException e) {
                    throw new Failure(Failure.Kind.UNAVAILABLE, "no leader: " + e.getMessage(),
                            kv.leaderAddress(e));
                }
                if (cause instanceof io.kayak.RequestTimeoutException) {
                    throw new Failure(Failure.Kind.UNAVAILABLE, String.valueOf(cause.getMessage()), null);
                }
                return Responses.error(HttpResponseStatus.CONFLICT, String.valueOf(cause.getMessage()), null);
            }));
        } else if (rawPath.startsWith(MEMBERS) && rawPath.endsWith("/remove")) {
            if (!method.equals(HttpMethod.POST)) {
                Responses.send(ctx, methodNotAllowed(), keepAlive);
                return;
            }
            String id = QueryStringDecoder.decodeComponent(
                    rawPath.substring(MEMBERS.length(), rawPath.length() - "/remove".length()));
            if (id.isEmpty()) {
                throw new IllegalArgumentException("missing member id");
            }
            reply(ctx, keepAlive, host.remove(id).handle((ok, error) -> {
                if (error == null) {
                    return Responses.json(HttpResponseStatus.OK, Map.of("removed", id));
                }
                Throwable cause = KvService.unwrap(error);
                if (cause instanceof io.kayak.NotLeaderException e) {
                    throw new Failure(Failure.Kind.UNAVAILABLE, "no leader: " + e.getMessage(),
                            kv.leaderAddress(e));
                }
                if (cause instanceof io.kayak.RequestTimeoutException) {
                    throw new Failure(Failure.Kind.OUTCOME_UNKNOWN, "outcome unknown");
                }
                return Responses.error(HttpResponseStatus.CONFLICT, String.valueOf(cause.getMessage()), null);
            }));
        } else if (rawPath.equals("/metrics")) {
            requireGet(method);
            Responses.send(ctx, Responses.raw(HttpResponseStatus.OK, metrics.get().getBytes(StandardCharsets.UTF_8),
                    "text/plain; version=0.0.4; charset=utf-8"), keepAlive);
        } else if (rawPath.equals("/") || rawPath.equals("/index.html")) {
            requireGet(method);
            Responses.send(ctx, Responses.raw(HttpResponseStatus.OK, statusPage, "text/html; charset=utf-8"),
                    keepAlive);
        } else {
            Responses.send(ctx, Responses.error(HttpResponseStatus.NOT_FOUND, "no such resource", null), keepAlive);
        }
    }

    private Map<String, Object> status(Map<String, List<String>> params) {
        Map<String, Object> status = self.toMap();
        status.put("leaderHttp", kv.leaderAddress(null));
        if (!"false".equals(single(params, "members"))) {
            status.put("members", peers.members());
        }
        return status;
    }

    private static boolean localRead(Map<String, List<String>> params) {
        String consistency = single(params, "consistency");
        if (consistency == null || consistency.equals("linearizable")) {
            return false;
        }
        if (consistency.equals("local")) {
            return true;
        }
        throw new IllegalArgumentException("consistency must be linearizable or local");
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " given more than once");
        }
        return values.get(0);
    }

    private static void requireGet(HttpMethod method) {
        if (!method.equals(HttpMethod.GET)) {
            throw new MethodNotAllowed();
        }
    }

    private static FullHttpResponse methodNotAllowed() {
        return Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", null);
    }

    private static FullHttpResponse indexOk(Outcome o) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("index", o.index());
        return Responses.json(HttpResponseStatus.OK, body);
    }

    private static FullHttpResponse incremented(Outcome o) {
        if (o.status() != Outcome.Status.INCREMENTED) {
            return Responses.error(HttpResponseStatus.CONFLICT,
                    "the value is not a 64-bit decimal integer, or would overflow", null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("index", o.index());
        body.put("value", o.number());
        return Responses.json(HttpResponseStatus.OK, body);
    }

    private void reply(ChannelHandlerContext ctx, boolean keepAlive, CompletableFuture<FullHttpResponse> response) {
        response.whenComplete((r, error) -> {
            if (error == null) {
                Responses.send(ctx, r, keepAlive);
                return;
            }
            Throwable cause = KvService.unwrap(error);
            if (cause instanceof Failure f) {
                Responses.send(ctx, Responses.failure(f), keepAlive);
            } else {
                LOG.warn("request failed unexpectedly", cause);
                Responses.send(ctx, Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        String.valueOf(cause.getMessage()), null), keepAlive);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing HTTP connection after error", cause);
        ctx.close();
    }

    /** Thrown by {@link #requireGet}; answered with 405. */
    private static final class MethodNotAllowed extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MethodNotAllowed() {
            super("method not allowed");
        }
    }

    /** Building and sending responses. */
    static final class Responses {
        private Responses() {
        }

        static FullHttpResponse raw(HttpResponseStatus status, byte[] body, String contentType) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            return r;
        }

        static FullHttpResponse json(HttpResponseStatus status, Object body) {
            return raw(status, Json.write(body).getBytes(StandardCharsets.UTF_8), "application/json");
        }

        static FullHttpResponse error(HttpResponseStatus status, String message, String leader) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            body.put("leader", leader);
            return json(status, body);
        }

        static FullHttpResponse failure(Failure f) {
            FullHttpResponse r = error(HttpResponseStatus.valueOf(f.kind().httpStatus()), f.getMessage(), f.leader());
            if (f.kind() == Failure.Kind.UNAVAILABLE) {
                r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            return r;
        }

        static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (keepAlive) {
                HttpUtil.setKeepAlive(response, true);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

}
