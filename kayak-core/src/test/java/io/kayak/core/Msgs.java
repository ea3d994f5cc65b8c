package io.kayak.core;

import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;

import java.util.function.Predicate;

/**
 * Message filters for {@link Cluster#hold}, {@link Cluster#deliver}, {@link Cluster#drop} and
 * {@link Cluster#sent(Predicate)}, so scenarios say which messages they mean in a few words.
 */
public final class Msgs {
    private Msgs() {
    }

    /** Messages addressed to {@code id}. */
    public static Predicate<Message> to(String id) {
        return m -> m.to().equals(id);
    }

    /** Messages sent by {@code id}. */
    public static Predicate<Message> from(String id) {
        return m -> m.from().equals(id);
    }

    /** Messages of one type. */
    public static Predicate<Message> ofType(Class<? extends Message> type) {
        return type::isInstance;
    }

    /** Messages of one type addressed to {@code id}. */
    public static Predicate<Message> ofTypeTo(Class<? extends Message> type, String id) {
        return ofType(type).and(to(id));
    }

    /** AppendEntries to {@code id} that carry at least one entry. */
    public static Predicate<Message> appendWithEntriesTo(String id) {
        return m -> m instanceof AppendRequest a && a.to().equals(id) && !a.entries().isEmpty();
    }

    /** AppendEntries carrying an entry of {@code term}. */
    public static Predicate<Message> appendCarryingTerm(long term) {
        return m -> m instanceof AppendRequest a && a.entries().stream().anyMatch(e -> e.term() == term);
    }

    /** Rejected AppendEntries sent by {@code id}. */
    public static Predicate<Message> rejectionFrom(String id) {
        return m -> m instanceof AppendResponse r && r.from().equals(id) && !r.success();
    }
}
