package io.kayak.core.transcript;

import io.kayak.core.Configuration;
import io.kayak.core.ConfigurationCodec;
import io.kayak.core.Entry;
import io.kayak.core.Message;
import io.kayak.core.Message.AppendRequest;
import io.kayak.core.Message.AppendResponse;
import io.kayak.core.Message.Heartbeat;
import io.kayak.core.Message.HeartbeatResponse;
import io.kayak.core.Message.InstallSnapshot;
import io.kayak.core.Message.ReadIndexRequest;
import io.kayak.core.Message.ReadIndexResponse;
import io.kayak.core.Message.TimeoutNow;
import io.kayak.core.Message.VoteRequest;
import io.kayak.core.Message.VoteResponse;
import io.kayak.core.Ready;
import io.kayak.core.Role;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one-line renderings of the transcripts: messages, entries, configurations and roles. Every rendering is
 * deterministic (sets are sorted, nothing depends on hashing or time), so expected outputs are stable.
 *
 * <p>Positions in a log are written {@code index@term}, as in "entry 3 of term 2".
 */
final class Render {
    private Render() {
    }

    /** The message type names, as rendered and as accepted by the {@code type=} filter. */
    static String type(Message m) {
        if (m instanceof VoteRequest v) {
            return v.preVote() ? "PreVote" : "Vote";
        } else if (m instanceof VoteResponse r) {
            return r.preVote() ? "PreVoteResp" : "VoteResp";
        } else if (m instanceof AppendRequest) {
            return "Append";
        } else if (m instanceof AppendResponse) {
            return "AppendResp";
        } else if (m instanceof Heartbeat) {
            return "Heartbeat";
        } else if (m instanceof HeartbeatResponse) {
            return "HeartbeatResp";
        } else if (m instanceof TimeoutNow) {
            return "TimeoutNow";
        } else if (m instanceof ReadIndexRequest) {
            return "ReadIndex";
        } else if (m instanceof ReadIndexResponse) {
            return "ReadIndexResp";
        } else if (m instanceof InstallSnapshot) {
            return "Snapshot";
        }
        throw new IllegalArgumentException("unknown message " + m);
    }

    /** {@code from->to Type term=T ...}: one line per message, the fields that matter to the protocol. */
    static String message(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.from()).append("->").append(m.to()).append(' ').append(type(m)).append(" term=").append(m.term());
        if (m instanceof VoteRequest v) {
            sb.append(" last=").append(v.lastIndex()).append('@').append(v.lastTerm());
            if (v.transfer()) {
                sb.append(" transfer");
            }
        } else if (m instanceof VoteResponse r) {
            sb.append(r.granted() ? " granted" : " rejected");
        } else if (m instanceof AppendRequest a) {
            sb.append(" prev=").append(a.prevIndex()).append('@').append(a.prevTerm())
                    .append(" commit=").append(a.commit());
            if (!a.entries().isEmpty()) {
                sb.append(" [").append(entries(a.entries())).append(']');
            }
        } else if (m instanceof AppendResponse r) {
            if (r.success()) {
                sb.append(" ok match=").append(r.matchIndex());
            } else if (r.rejectedIndex() == 0 && r.conflictIndex() == 0) {
                sb.append(" reject (stale term)");
            } else {
                sb.append(" reject prev=").append(r.rejectedIndex()).append(" hint=").append(r.conflictIndex());
                if (r.conflictTerm() != 0) {
                    sb.append('@').append(r.conflictTerm());
                }
            }
        } else if (m instanceof Heartbeat h) {
            sb.append(" commit=").append(h.commit());
            if (h.readRound() > 0) {
                sb.append(" round=").append(h.readRound());
            }
        } else if (m instanceof HeartbeatResponse h) {
            if (h.readRound() > 0) {
                sb.append(" round=").append(h.readRound());
            }
        } else if (m instanceof ReadIndexRequest r) {
            sb.append(" id=").append(r.requestId());
        } else if (m instanceof ReadIndexResponse r) {
            sb.append(" id=").append(r.requestId());
            sb.append(r.index() < 0 ? " failed" : " index=" + r.index());
        } else if (m instanceof InstallSnapshot s) {
            sb.append(" snap=").append(s.snapshot().index()).append('@').append(s.snapshot().term()).append(' ')
                    .append(config(s.snapshot().configuration()));
        }
        return sb.toString();
    }

    /** Entries separated by commas. */
    static String entries(List<Entry> entries) {
        return entries.stream().map(Render::entry).collect(Collectors.joining(", "));
    }

    /**
     * {@code 3@2} for an entry without payload (the entries of a log described by its terms), {@code 3@2 "x"} for
     * an application entry, {@code 3@2 noop} for a new leader's empty entry, {@code 3@2 conf(...)} for a
     * configuration.
     */
    static String entry(Entry e) {
        String pos = e.index() + "@" + e.term();
        switch (e.kind()) {
            case NOOP:
                return pos + " noop";
            case CONFIG:
                return pos + " " + config(ConfigurationCodec.decode(e.payload()));
            default:
                return e.payload().length == 0 ? pos
                        : pos + " \"" + new String(e.payload(), StandardCharsets.UTF_8) + "\"";
        }
    }

    /** {@code conf(voters=1,2,3 outgoing=1,2 learners=4)}; the empty parts are left out. */
    static String config(Configuration c) {
        StringBuilder sb = new StringBuilder("conf(voters=").append(ids(c.voters()));
        if (c.isJoint()) {
            sb.append(" outgoing=").append(ids(c.outgoing()));
        }
        if (!c.learners().isEmpty()) {
            sb.append(" learners=").append(ids(c.learners()));
        }
        return sb.append(')').toString();
    }

    static String ids(Collection<String> ids) {
        return ids.isEmpty() ? "-" : ids.stream().sorted().collect(Collectors.joining(","));
    }

    static String role(Role role) {
        switch (role) {
            case PRE_CANDIDATE:
                return "pre-candidate";
            default:
                return role.name().toLowerCase();
        }
    }

    /** A change of role or leader, as plain words: "follower of 1 in term 2", "candidate in term 3". */
    static String softState(Ready.SoftState s) {
        String words = role(s.role()) + (s.role() == Role.FOLLOWER && s.leader() != null ? " of " + s.leader() : "")
                + " in term " + s.term();
        if (s.role() == Role.FOLLOWER && s.leader() == null) {
            words += ", no leader";
        }
        return "becomes " + words;
    }

    static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
