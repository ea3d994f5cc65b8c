package io.kayak.transport;

import com.google.protobuf.CodedOutputStream;
import io.kayak.core.Entry;
import io.kayak.core.Message.AppendRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the frame of an AppendRequest, length prefix included, straight from the core's message into one buffer,
 * without building the generated protobuf objects: a leader sends every entry once per follower, and the builders
 * and messages made for each were a quarter of everything a busy leader allocated. The bytes are exactly those of
 * {@code MessageCodec.encode(request)} written by {@link FrameEncoder} (proto3: fields in number order, defaults
 * omitted), so receivers parse them with the generated code; a test holds the two to the same bytes.
 */
final class AppendRequestWriter {
    /** Fields of {@code Frame}, {@code AppendRequest} and {@code Entry} in kayak/raft.proto. */
    private static final int FRAME_APPEND_REQUEST = 12;
    private static final int FROM = 1;
    private static final int TO = 2;
    private static final int TERM = 3;
    private static final int PREV_INDEX = 4;
    private static final int PREV_TERM = 5;
    private static final int ENTRIES = 6;
    private static final int COMMIT = 7;
    private static final int ENTRY_INDEX = 1;
    private static final int ENTRY_TERM = 2;
    private static final int ENTRY_KIND = 3;
    private static final int ENTRY_PAYLOAD = 4;

    private final AppendRequest request;
    private final int[] entrySizes;
    private final int bodySize;
    private final int frameSize;

    /** Measures the frame of {@code request}. */
    AppendRequestWriter(AppendRequest request) {
        this.request = request;
        this.entrySizes = new int[request.entries().size()];
        int body = stringSize(FROM, request.from()) + stringSize(TO, request.to())
                + uint64Size(TERM, request.term()) + uint64Size(PREV_INDEX, request.prevIndex())
                + uint64Size(PREV_TERM, request.prevTerm()) + uint64Size(COMMIT, request.commit());
        for (int i = 0; i < entrySizes.length; i++) {
            int size = entrySize(request.entries().get(i));
            entrySizes[i] = size;
            body += CodedOutputStream.computeTagSize(ENTRIES) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }
        this.bodySize = body;
        this.frameSize = CodedOutputStream.computeTagSize(FRAME_APPEND_REQUEST)
                + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
    }

    /** The frame's protobuf size, without the length prefix. */
    int frameSize() {
        return frameSize;
    }

    /** The length prefix and the frame, in a buffer of exactly that size from {@code alloc}. */
    ByteBuf write(ByteBufAllocator alloc) {
        int total = Pipelines.LENGTH_FIELD_BYTES + frameSize;
        ByteBuf out = alloc.ioBuffer(total, total);
        try {
            out.writeInt(frameSize);
            if (out.nioBufferCount() == 1) {
                CodedOutputStream coded = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), frameSize));
                writeFrame(coded);
                coded.checkNoSpaceLeft();
            } else {
                byte[] bytes = new byte[frameSize];
                CodedOutputStream coded = CodedOutputStream.newInstance(bytes);
                writeFrame(coded);
                coded.checkNoSpaceLeft();
                out.setBytes(out.writerIndex(), bytes);
            }
            out.writerIndex(total);
            return out;
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e); // the sizes were computed from the same fields: cannot happen
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private void writeFrame(CodedOutputStream out) throws IOException {
        out.writeTag(FRAME_APPEND_REQUEST, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(bodySize);
        writeString(out, FROM, request.from());
        writeString(out, TO, request.to());
        writeUInt64(out, TERM, request.term());
        writeUInt64(out, PREV_INDEX, request.prevIndex());
        writeUInt64(out, PREV_TERM, request.prevTerm());
        for (int i = 0; i < entrySizes.length; i++) {
            Entry e = request.entries().get(i);
            out.writeTag(ENTRIES, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(entrySizes[i]);
            writeUInt64(out, ENTRY_INDEX, e.index());
            writeUInt64(out, ENTRY_TERM, e.term());
            if (e.kind().code() != 0) {
                out.writeEnum(ENTRY_KIND, e.kind().code());
            }
            if (e.payload().length > 0) {
                out.writeByteArray(ENTRY_PAYLOAD, e.payload());
            }
        }
        writeUInt64(out, COMMIT, request.commit());
    }

    private static int entrySize(Entry e) {
        int size = uint64Size(ENTRY_INDEX, e.index()) + uint64Size(ENTRY_TERM, e.term());
        if (e.kind().code() != 0) {
            size += CodedOutputStream.computeEnumSize(ENTRY_KIND, e.kind().code());
        }
        if (e.payload().length > 0) {
            size += CodedOutputStream.computeByteArraySize(ENTRY_PAYLOAD, e.payload());
        }
        return size;
    }

    private static int uint64Size(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, value);
    }

    private static int stringSize(int field, String value) {
        return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, value);
    }

    private static void writeUInt64(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    private static void writeString(CodedOutputStream out, int field, String value) throws IOException {
        if (!value.isEmpty()) {
            out.writeString(field, value);
        }
    }
}
