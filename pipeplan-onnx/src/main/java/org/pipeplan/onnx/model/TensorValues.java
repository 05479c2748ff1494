package org.pipeplan.onnx.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small helpers to read node attributes and the values of constant integer tensors. */
public final class TensorValues {

    private TensorValues() {
    }

    /** The integer values of a constant int64/int32 tensor, or null when it is not constant or has no data. */
    public static long[] longs(OnnxModel model, String tensor) {
        TensorProto t = model.constants().get(tensor);
        if (t == null) {
            return null;
        }
        if (t.getInt64DataCount() > 0) {
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        if (t.getInt32DataCount() > 0) {
            return t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int size = TensorType.elementBytes(t.getDataType());
            long[] out = new long[b.remaining() / Math.max(1, size)];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (t.getDataType()) {
                    case 7 -> b.getLong();
                    case 6 -> b.getInt();
                    default -> throw new IllegalArgumentException("tensor '" + tensor + "' is not an integer tensor");
                };
            }
            return out;
        }
        return null;
    }

    public static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static long intAttribute(NodeProto node, String name, long otherwise) {
        AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getI();
    }

    public static float floatAttribute(NodeProto node, String name, float otherwise) {
        AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getF();
    }

    /** An ints attribute, or null when absent. */
    public static long[] intsAttribute(NodeProto node, String name) {
        AttributeProto a = attribute(node, name);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static String stringAttribute(NodeProto node, String name, String otherwise) {
        AttributeProto a = attribute(node, name);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }
}
