package io.kayak.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The pipeline every connection shares, inbound and outbound: optional TLS, then 4-byte length, protobuf body,
 * size limit.
 */
final class Pipelines {
    static final int LENGTH_FIELD_BYTES = 4;

    private Pipelines() {
    }

    /** Installs the framing after {@code tls} ({@code null} for plaintext), then {@code handler}. */
    static void install(ChannelPipeline pipeline, ChannelHandler tls, int maxFrameBytes, TransportStats stats,
                        ChannelHandler handler) {
        if (tls != null) {
            // First, so that not a byte reaches the frame decoder before the peer proved its certificate.
            pipeline.addLast("tls", tls);
        }
        // failFast: a length prefix above the limit fails as soon as it is read, before any body is buffered,
        // so a hostile or corrupt prefix cannot make us allocate up to 2 GiB.
        pipeline.addLast("frameLength", new LengthFieldBasedFrameDecoder(
                maxFrameBytes + LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, 0, LENGTH_FIELD_BYTES, true));
        pipeline.addLast("frameDecoder", new FrameDecoder(stats));
        pipeline.addLast("frameEncoder", new FrameEncoder(stats));
        pipeline.addLast("connection", handler);
    }
}
