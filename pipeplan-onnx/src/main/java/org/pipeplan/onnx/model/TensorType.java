package org.pipeplan.onnx.model;

import java.util.Arrays;

/**
 * Element type and static shape of a tensor. A dimension of -1 is unknown.
 *
 * @param elementType ONNX TensorProto.DataType number (1 = float, 7 = int64...)
 * @param dims        the shape; empty for a scalar
 */
public record TensorType(int elementType, long[] dims) {

    public TensorType {
        dims = dims.clone();
    }

    public boolean known() {
        return Arrays.stream(dims).allMatch(d -> d >= 0);
    }

    /** Elements of the shape; a count that leaves 64 bits throws {@link ArithmeticException}. */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    /** Bytes of the whole tensor (unknown dimensions count as 0). */
    public long bytes() {
        return known() ? Math.multiplyExact(elements(), (long) elementBytes(elementType)) : 0;
    }

    public TensorType withDims(long[] newDims) {
        return new TensorType(elementType, newDims);
    }

    /** Size of one element of an ONNX data type, in bytes. */
    public static int elementBytes(int elementType) {
        return switch (elementType) {
            case 2, 3, 9 -> 1;          // uint8, int8, bool
            case 4, 5, 10, 16 -> 2;     // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4;         // float, int32, uint32
            case 7, 11, 13, 14 -> 8;    // int64, double, uint64, complex64
            case 15 -> 16;              // complex128
            default -> 0;               // string, undefined
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorType t && t.elementType == elementType && Arrays.equals(t.dims, dims);
    }

    @Override
    public int hashCode() {
        return elementType * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
