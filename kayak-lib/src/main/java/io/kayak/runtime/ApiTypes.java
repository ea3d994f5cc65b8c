package io.kayak.runtime;

import io.kayak.Entry;
import io.kayak.EntryKind;
import io.kayak.Member;
import io.kayak.core.Configuration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Converts the core's types to the public API's, which share no class with the core. */
final class ApiTypes {
    private ApiTypes() {
    }

    /** The public form of a core entry; Kayak's own entries travel with empty payloads. */
    static Entry entry(io.kayak.core.Entry e) {
        return new Entry(e.index(), e.term(), kind(e.kind()),
                e.kind() == io.kayak.core.EntryKind.NORMAL ? e.payload() : new byte[0]);
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
