package io.kayak.bench;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import io.kayak.transport.MessageCodec;
import io.kayak.transport.ProtocolException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wire format on the hot path: an AppendEntries carrying {@code entries} entries of 128 bytes, encoded to a
 * protobuf frame and serialized (what the sender does per message), and parsed and validated back (what the
 * receiver does). Also the small AppendResponse every acknowledgement costs.
 *
 * <p>Run: {@code java -jar kayak-bench/target/benchmarks.jar FrameCodecBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameCodecBenchmark {
    @Param({"1", "16", "256"})
    public int entries;

    private Message.AppendRequest append;
    private byte[] appendBytes;
    private Message.AppendResponse response;
    private byte[] responseBytes;

    @Setup(Level.Trial)
    public void setUp() {
        List<Entry> list = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            byte[] payload = new byte[128];
            payload[0] = (byte) i;
            list.add(new Entry(1001 + i, 7, EntryKind.NORMAL, payload));
        }
        append = new Message.AppendRequest("n0", "n1", 7, 1000, 7, list, 990);
        appendBytes = MessageCodec.encode(append).toByteArray();
        response = new Message.AppendResponse("n1", "n0", 7, true, 1000 + entries, 0, 0, 0);
        responseBytes = MessageCodec.encode(response).toByteArray();
    }

    @Benchmark
    public byte[] encodeAppend() {
        return MessageCodec.encode(append).toByteArray();
    }

    @Benchmark
    public Message decodeAppend() throws ProtocolException {
        return MessageCodec.decode(appendBytes);
    }

    @Benchmark
    public byte[] encodeResponse() {
        return MessageCodec.encode(response).toByteArray();
    }

    @Benchmark
    public Message decodeResponse() throws ProtocolException {
        return MessageCodec.decode(responseBytes);
    }
}
