package io.kayak.runtime;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Member;
import io.kayak.core.Configuration;
import io.kayak.core.session.Envelope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Converts the core's types to the public API's, which share no class with the core. */
final class ApiTypes {
    private ApiTypes() {
    }

    /**
     * The public form of a committed core entry; Kayak's own entries travel with empty payloads. An application
     * entry loses its envelope; a session's bookkeeping, duplicate or refused append (as {@code sessions} recorded
     * when it was applied) becomes a {@link EntryKind#SESSION} entry.
     */
    static Entry entry(io.kayak.core.Entry e, SessionApplier sessions) {
        if (e.kind() != io.kayak.core.EntryKind.NORMAL) {
            return new Entry(e.index(), e.term(), kind(e.kind()), new byte[0]);
        }
        if (sessions.outcome(e.index()) != null) {
            return new Entry(e.index(), e.term(), EntryKind.SESSION, new byte[0]);
        }
        byte[] stored = e.payload();
        int offset = Envelope.payloadOffset(stored);
        return Entry.copyOf(e.index(), e.term(), EntryKind.NORMAL, stored, offset, stored.length - offset);
    }

    static EntryKind kind(io.kayak.core.EntryKind kind) {
        return switch (kind) {
            case NORMAL -> EntryKind.NORMAL;
            case NOOP -> EntryKind.NOOP;
            case CONFIG -> EntryKind.CONFIG;
        };
    }

    /** Every member of {@code c}, voters and learners, in id order of its address map. */
    static List<Member> members(Configuration c) {
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, String> e : c.addresses().entrySet()) {
            members.add(new Member(e.getKey(), e.getValue(), c.isVoter(e.getKey())));
        }
        return members;
    }
}
