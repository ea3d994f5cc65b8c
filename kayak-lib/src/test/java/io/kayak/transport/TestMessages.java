package io.kayak.transport;

import io.kayak.core.Entry;
import io.kayak.core.EntryKind;
import io.kayak.core.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One message of every type, with distinctive field values, for round-trip and delivery tests. */
final class TestMessages {
    private TestMessages() {
    }

    static List<Message> everyType(String from, String to) {
        return List.of(
                new Message.VoteRequest(from, to, 7, true, 41, 6, false),
                new Message.VoteRequest(from, to, 8, false, 42, 7, true),
                new Message.VoteResponse(from, to, 7, true, true),
                new Message.VoteResponse(from, to, 8, false, false),
                new Message.AppendRequest(from, to, 9, 40, 8, List.of(
                        Entry.normal(41, 8, "x".getBytes(StandardCharsets.UTF_8)),
                        Entry.noop(42, 9),
                        new Entry(43, 9, EntryKind.CONFIG, new byte[] {1, 2, 3}),
                        Entry.normal(44, 9, new byte[0])), 39),
                new Message.AppendRequest(from, to, 9, 44, 9, List.of(), 44),
                new Message.AppendResponse(from, to, 9, true, 44, 0, 0, 0),
                new Message.AppendResponse(from, to, 9, false, 0, 40, 5, 33),
                new Message.Heartbeat(from, to, 9, 44, 17),
                new Message.HeartbeatResponse(from, to, 9, 17),
                new Message.TimeoutNow(from, to, 9),
                new Message.ReadIndexRequest(from, to, 9, -5),
                new Message.ReadIndexResponse(from, to, 9, 12, 44),
                new Message.ReadIndexResponse(from, to, 9, 13, -1));
    }
}
