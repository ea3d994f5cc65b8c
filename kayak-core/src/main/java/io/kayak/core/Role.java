package io.kayak.core;

/** A member's role in its current term. */
public enum Role {
    FOLLOWER,
    /** Asking for pre-votes before it disrupts anyone by raising its term (dissertation §9.6). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
