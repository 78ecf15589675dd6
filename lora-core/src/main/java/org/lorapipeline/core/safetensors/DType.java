package org.lorapipeline.core.safetensors;

import java.util.Optional;

/**
 * safetensors element types, declared in the order of the reference crate's {@code Dtype} enum: writers sort
 * tensors by this order descending (widest first), then by name, so {@link #ordinal()} is the layout rank.
 * Header spelling is the constant name, case-sensitive.
 */
public enum DType {
    BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8),
    F8_E5M2(8), F8_E4M3(8), F8_E8M0(8), F8_E4M3FNUZ(8), F8_E5M2FNUZ(8),
    I16(16), U16(16), F16(16), BF16(16),
    I32(32), U32(32), F32(32),
    C64(64), F64(64), I64(64), U64(64);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    /** Width of one element in bits (sub-byte types pack several elements per byte). */
    public int bits() {
        return bits;
    }

    /** Byte size for {@code numel} elements, or -1 when sub-byte elements do not fill whole bytes. */
    public long byteSize(long numel) {
        long totalBits = Math.multiplyExact(numel, (long) bits);
        return totalBits % 8 == 0 ? totalBits / 8 : -1;
    }

    /** True for the float types {@code floats()} can decode. */
    public boolean isReadableAsFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Case-sensitive lookup of a header spelling ({@code "F32"} yes, {@code "f32"} no). */
    public static Optional<DType> fromHeader(String s) {
        for (DType t : values()) {
            if (t.name().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
