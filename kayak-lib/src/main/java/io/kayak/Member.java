package io.kayak;

/**
 * A member of the cluster as seen by this host.
 *
 * @param id      stable member id
 * @param address the peer address other members dial
 * @param voter   whether it votes (learners replicate but do not vote)
 */
public record Member(String id, String address, boolean voter) {
}
