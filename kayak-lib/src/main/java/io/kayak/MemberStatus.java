package io.kayak;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * One member of the configuration, as the member reporting {@link Host#status()} sees it.
 *
 * @param id          the member's id
 * @param address     the peer address other members dial
 * @param voter       whether it votes (learners replicate but do not vote)
 * @param matchIndex  the highest index known replicated to it; only a leader knows this, others report -1
 * @param lastContact how long ago the reporting member last heard from it, or {@code null} if never (always
 *                    {@code null} for the reporting member itself)
 */
public record MemberStatus(String id, String address, boolean voter, long matchIndex,
                           @Nullable Duration lastContact) {
}
