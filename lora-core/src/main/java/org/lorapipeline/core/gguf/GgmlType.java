package org.lorapipeline.core.gguf;

/**
 * ggml tensor types with block geometry ({@code ggml.c} type_traits): a row of {@code ne0} elements takes
 * {@code ne0 / blockSize * typeSize} bytes. Listed so that infos of quantized base models can be read and
 * their offsets checked; only F32, F16 and BF16 data is decoded.
 */
public enum GgmlType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q4_1(3, 32, 20), Q5_0(6, 32, 22), Q5_1(7, 32, 24),
    Q8_0(8, 32, 34), Q8_1(9, 32, 36), Q2_K(10, 256, 84), Q3_K(11, 256, 110), Q4_K(12, 256, 144),
    Q5_K(13, 256, 176), Q6_K(14, 256, 210), Q8_K(15, 256, 292), I8(24, 1, 1), I16(25, 1, 2), I32(26, 1, 4),
    I64(27, 1, 8), F64(28, 1, 8), BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int typeSize() {
        return typeSize;
    }

    /** Bytes of a tensor with these dims (fastest first); {@code ne[0]} must be a multiple of the block size. */
    public long byteSize(long[] ne) {
        long rows = 1;
        for (int i = 1; i < ne.length; i++) {
            rows = Math.multiplyExact(rows, ne[i]);
        }
        long row = ne.length == 0 ? 1 : ne[0];
        return Math.multiplyExact(rows, row / blockSize * typeSize);
    }

    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
