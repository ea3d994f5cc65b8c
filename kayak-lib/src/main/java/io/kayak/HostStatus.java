package io.kayak;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * A consistent picture of one member at one moment, from {@link Host#status()}. Immutable.
 *
 * <p>The indices, from lowest to highest: {@code firstIndex - 1} is compacted away; {@code snapshotIndex} is covered
 * by the newest snapshot; {@code ackedIndex} the application reported applied ({@link Sync#ack}); {@code appliedIndex}
 * is handed to listeners (committed and durable here); {@code commitIndex} is known committed; {@code lastIndex} is
 * the end of the log, committed or not.
 *
 * @param id            this member's id
 * @param address       this member's peer address
 * @param role          what it is doing now
 * @param term          the current term as it knows it
 * @param leaderId      the leader it knows, or {@code null} when it knows none
 * @param commitIndex   the highest index it knows committed
 * @param appliedIndex  the highest index listeners can reach ({@link Log#committed()})
 * @param ackedIndex    the highest index the application acknowledged ({@link Sync#acked()})
 * @param snapshotIndex the last index of its newest snapshot, 0 when it has none
 * @param firstIndex    the first index still in its log
 * @param lastIndex     the last index in its log
 * @param members       every member of the configuration it follows
 */
public record HostStatus(String id, String address, Role role, long term, @Nullable String leaderId,
                         long commitIndex, long appliedIndex, long ackedIndex, long snapshotIndex, long firstIndex,
                         long lastIndex, List<MemberStatus> members) {
    /** Copies {@code members}, so the record stays immutable. */
    public HostStatus {
        members = List.copyOf(members);
    }
}
