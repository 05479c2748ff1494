package org.pipeplan.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Tensor values as plain arrays, for comparing outputs. */
final class Tensors {

    private Tensors() {
    }

    static double[] flatten(OnnxTensor t) {
        TensorInfo.OnnxTensorType type = t.getInfo().onnxType;
        switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] v = new double[b.remaining()];
                b.get(v);
                return v;
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> {
                LongBuffer b = t.getLongBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> {
                IntBuffer b = t.getIntBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
            default -> {
                ByteBuffer b = t.getByteBuffer();
                double[] v = new double[b.remaining()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get(i);
                }
                return v;
            }
        }
    }
}
