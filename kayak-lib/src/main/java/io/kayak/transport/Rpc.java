package io.kayak.transport;

/**
 * Requests that members forward to the leader on behalf of their application (appends, joins, removals), and the
 * answers. They travel on the same connections as Raft messages; errors stay typed end to end.
 */
public sealed interface Rpc {
    /**
     * What a request asks for; {@code REMOVED} asks for nothing: it tells a member that a committed configuration
     * no longer lists it, and is not answered.
     */
    enum Kind { APPEND, JOIN, REMOVE, TRANSFER_LEADERSHIP, REMOVED }

    /**
     * Why a request failed. {@code ENTRY_TOO_LARGE}: a forwarded APPEND's payload exceeds the answering member's
     * entry size limit ({@code HostOptions.maxEntryBytes}); the answer's {@code index} is the payload's size and its
     * {@code term} that limit.
     */
    enum Error { NONE, NOT_LEADER, OVERLOADED, REFUSED, OUTCOME_UNKNOWN, ENTRY_TOO_LARGE }

    /**
     * A request.
     *
     * @param id            chosen by the sender, echoed in the response
     * @param replyTo       the sender's peer address
     * @param kind          what is asked
     * @param memberId      JOIN, REMOVE and TRANSFER_LEADERSHIP: the member concerned
     * @param memberAddress JOIN: the newcomer's address
     * @param payload       APPEND: the entry's payload; REMOVE: the single byte 1 to skip the reachable-quorum guard;
     *                      JOIN: empty, or the UTF-8 id of the member the newcomer replaces
     * @param clusterName   JOIN: the cluster name the newcomer was configured with (empty: not checked)
     */
    record Request(long id, String replyTo, Kind kind, String memberId, String memberAddress, byte[] payload,
                   String clusterName) implements Rpc {
        public Request {
            memberId = memberId == null ? "" : memberId;
            memberAddress = memberAddress == null ? "" : memberAddress;
            payload = payload == null ? new byte[0] : payload;
            clusterName = clusterName == null ? "" : clusterName;
        }

        /** A request that names no cluster (every kind but JOIN). */
        public Request(long id, String replyTo, Kind kind, String memberId, String memberAddress, byte[] payload) {
            this(id, replyTo, kind, memberId, memberAddress, payload, "");
        }
    }

    /**
     * An answer. On success ({@code error == NONE}) {@code index}/{@code term} locate the entry that carries the
     * request, and for a JOIN {@code configuration} is the encoded configuration that admits the newcomer. For
     * {@link Error#ENTRY_TOO_LARGE} they are the refused payload's size and the limit it exceeded.
     */
    record Response(long id, Error error, String message, String leaderAddress, long index, long term,
                    byte[] configuration, String clusterId) implements Rpc {
        public Response {
            clusterId = clusterId == null ? "" : clusterId;
            message = message == null ? "" : message;
            leaderAddress = leaderAddress == null ? "" : leaderAddress;
            configuration = configuration == null ? new byte[0] : configuration;
        }

        public static Response ok(long id, long index, long term, byte[] configuration) {
            return new Response(id, Error.NONE, "", "", index, term, configuration, "");
        }

        public static Response error(long id, Error error, String message, String leaderAddress) {
            return new Response(id, error, message, leaderAddress, 0, 0, null, "");
        }

        /** Refuses a forwarded APPEND whose payload of {@code size} bytes exceeds {@code limit}. */
        public static Response entryTooLarge(long id, String message, long size, long limit) {
            return new Response(id, Error.ENTRY_TOO_LARGE, message, "", size, limit, null, "");
        }

        /** This answer as sent by a member of {@code cluster} (the transport stamps every answer it sends). */
        public Response stampedBy(String cluster) {
            return new Response(id, error, message, leaderAddress, index, term, configuration, cluster);
        }
    }
}
