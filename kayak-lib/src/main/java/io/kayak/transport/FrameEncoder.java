package io.kayak.transport;

import com.google.protobuf.CodedOutputStream;
import io.kayak.transport.proto.RaftProto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a frame as its 4-byte big-endian length followed by its protobuf bytes, into one buffer sized exactly,
 * so each frame costs one allocation and no copy. Runs on the channel's event loop, never on the caller's
 * thread. Size limits are checked before a frame gets here (see {@link PeerConnection}).
 */
final class FrameEncoder extends MessageToByteEncoder<Frame> {
    private final TransportStats stats;

    FrameEncoder(TransportStats stats) {
        super(Frame.class);
        this.stats = stats;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int size = Pipelines.LENGTH_FIELD_BYTES + frame.getSerializedSize();
        return preferDirect ? ctx.alloc().ioBuffer(size, size) : ctx.alloc().heapBuffer(size, size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws IOException {
        int size = frame.getSerializedSize();
        out.writeInt(size);
        out.ensureWritable(size);
        if (out.nioBufferCount() == 1) {
            // Serialise straight into the buffer's memory: no intermediate array, no copy.
            CodedOutputStream coded = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), size));
            frame.writeTo(coded);
            coded.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + size);
        } else {
            try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
                frame.writeTo(stream);
            }
        }
        stats.frameSent(Pipelines.LENGTH_FIELD_BYTES + size);
    }
}
