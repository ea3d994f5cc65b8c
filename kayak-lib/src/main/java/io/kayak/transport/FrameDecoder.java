package io.kayak.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Parses one length-stripped frame body into a protobuf frame. A body that does not parse fails the pipeline
 * with a {@link ProtocolException}; the connection handler then closes the connection.
 */
final class FrameDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final TransportStats stats;

    FrameDecoder(TransportStats stats) {
        super(ByteBuf.class);
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) throws ProtocolException {
        stats.frameReceived(body.readableBytes() + Pipelines.LENGTH_FIELD_BYTES);
        out.add(MessageCodec.parseFrame(body.nioBuffer()));
    }
}
