/**
 * Member-to-member transport: Raft messages as length-prefixed protobuf frames over one persistent TCP
 * connection per peer and direction, behind a handshake naming cluster and member; forwarded requests and their
 * answers ({@link io.kayak.transport.Rpc}) over a connection per address, whose handshake accepts any member.
 *
 * <p>Entry points: {@link io.kayak.transport.NettyTransport} (send and receive),
 * {@link io.kayak.transport.MessageCodec} and {@link io.kayak.transport.RpcCodec} (message or rpc to frame and
 * back, with validation) and
 * {@link io.kayak.transport.TransportStats} (counters). The wire format is {@code src/main/proto/kayak/raft.proto};
 * {@code docs/transport.md} describes frames, handshake, errors and limits.
 */
package io.kayak.transport;
