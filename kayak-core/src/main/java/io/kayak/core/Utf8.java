package io.kayak.core;

/**
 * Strict UTF-8 for the core's own encodings (member ids and addresses in configurations), written out so the core
 * needs nothing beyond {@code java.lang}. Lone surrogates and malformed input are refused rather than replaced, so
 * what is decoded is exactly what was encoded.
 */
final class Utf8 {
    private Utf8() {
    }

    static byte[] encode(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            length += size(cp);
            i += Character.charCount(cp);
        }
        byte[] out = new byte[length];
        int pos = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out[pos++] = (byte) cp;
            } else if (cp < 0x800) {
                out[pos++] = (byte) (0xC0 | (cp >>> 6));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                out[pos++] = (byte) (0xE0 | (cp >>> 12));
                out[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[pos++] = (byte) (0xF0 | (cp >>> 18));
                out[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                out[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        return out;
    }

    private static int size(int cp) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            throw new IllegalArgumentException("a lone surrogate cannot be encoded");
        }
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    static String decode(byte[] b, int offset, int length) {
        StringBuilder out = new StringBuilder(length);
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int first = b[i] & 0xFF;
            int extra;
            int cp;
            int min;
            if (first < 0x80) {
                extra = 0;
                cp = first;
                min = 0;
            } else if ((first & 0xE0) == 0xC0) {
                extra = 1;
                cp = first & 0x1F;
                min = 0x80;
            } else if ((first & 0xF0) == 0xE0) {
                extra = 2;
                cp = first & 0x0F;
                min = 0x800;
            } else if ((first & 0xF8) == 0xF0) {
                extra = 3;
                cp = first & 0x07;
                min = 0x10000;
            } else {
                throw new IllegalArgumentException("malformed UTF-8 at byte " + i);
            }
            for (int k = 1; k <= extra; k++) {
                if (i + k >= end || (b[i + k] & 0xC0) != 0x80) {
                    throw new IllegalArgumentException("malformed UTF-8 at byte " + (i + k));
                }
                cp = (cp << 6) | (b[i + k] & 0x3F);
            }
            // Overlong forms, surrogates and values beyond Unicode are not UTF-8.
            if (cp < min || cp > Character.MAX_CODE_POINT
                    || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                throw new IllegalArgumentException("invalid UTF-8 code point at byte " + i);
            }
            out.appendCodePoint(cp);
            i += extra + 1;
        }
        return out.toString();
    }
}
