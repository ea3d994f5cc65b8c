package io.kayak.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes a {@link Configuration} as the payload of a {@link EntryKind#CONFIG} entry (and of snapshot metadata).
 *
 * <p>Format (big-endian): version byte {@code 1}; member count; then per member: role byte (0 voter, 1 outgoing
 * only, 2 voter in both halves, 3 learner), id and address as length-prefixed UTF-8. Hand-written rather than
 * protobuf because the core depends on nothing but the JDK.
 */
public final class ConfigurationCodec {
    private static final int VERSION = 1;
    private static final int ROLE_VOTER = 0;
    private static final int ROLE_OUTGOING = 1;
    private static final int ROLE_BOTH = 2;
    private static final int ROLE_LEARNER = 3;

    private ConfigurationCodec() {
    }

    public static byte[] encode(Configuration config) {
        ByteWriter out = new ByteWriter();
        out.writeByte(VERSION);
        out.writeInt(config.members().size());
        for (String id : config.members()) {
            int role;
            if (config.isLearner(id)) {
                role = ROLE_LEARNER;
            } else if (config.voters().contains(id) && config.outgoing().contains(id)) {
                role = ROLE_BOTH;
            } else if (config.voters().contains(id)) {
                role = ROLE_VOTER;
            } else {
                role = ROLE_OUTGOING;
            }
            out.writeByte(role);
            out.writeString(id);
            out.writeString(config.addresses().get(id));
        }
        return out.toByteArray();
    }

    /**
     * Decodes a payload written by {@link #encode}.
     *
     * @throws IllegalArgumentException when the bytes are not a valid configuration
     */
    public static Configuration decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown configuration format version " + version);
        }
        int count = in.readInt();
        if (count < 0 || count > bytes.length) {
            throw new IllegalArgumentException("impossible member count " + count);
        }
        Set<String> voters = new TreeSet<>();
        Set<String> outgoing = new TreeSet<>();
        Set<String> learners = new TreeSet<>();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int role = in.readByte();
            String id = in.readString();
            String address = in.readString();
            switch (role) {
                case ROLE_VOTER: voters.add(id); break;
                case ROLE_OUTGOING: outgoing.add(id); break;
                case ROLE_BOTH: voters.add(id); outgoing.add(id); break;
                case ROLE_LEARNER: learners.add(id); break;
                default: throw new IllegalArgumentException("unknown member role " + role);
            }
            addresses.put(id, address);
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes after configuration");
        }
        return Configuration.of(voters, outgoing, learners, addresses);
    }

    /** A growable big-endian byte buffer; pure JDK, no I/O. */
    private static final class ByteWriter {
        private byte[] buf = new byte[64];
        private int len;

        void writeByte(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void writeInt(int v) {
            ensure(4);
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
        }

        void writeString(String s) {
            byte[] b = Utf8.encode(s);
            writeInt(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, len + more)];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
        }

        byte[] toByteArray() {
            byte[] out = new byte[len];
            System.arraycopy(buf, 0, out, 0, len);
            return out;
        }
    }

    /** Reads what {@link ByteWriter} wrote, refusing to read past the end. */
    private static final class ByteReader {
        private final byte[] buf;
        private int pos;

        ByteReader(byte[] buf) {
            this.buf = buf;
        }

        int readByte() {
            need(1);
            return buf[pos++] & 0xff;
        }

        int readInt() {
            need(4);
            int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                    | (buf[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        String readString() {
            int n = readInt();
            if (n < 0) {
                throw new IllegalArgumentException("negative string length");
            }
            need(n);
            String s = Utf8.decode(buf, pos, n);
            pos += n;
            return s;
        }

        boolean atEnd() {
            return pos == buf.length;
        }

        private void need(int n) {
            if (n > buf.length - pos) {
                throw new IllegalArgumentException("configuration truncated at byte " + pos);
            }
        }
    }
}
