package org.pipeplan.onnx.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.pipeplan.io.InputException;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.TensorType;

/**
 * Seeded sample inputs for a model: floats uniform in [-1, 1), integers and booleans 0 or 1 (valid
 * as token ids, segment ids and masks alike). Shapes come from the model with its symbolic
 * dimensions resolved.
 */
public final class RandomInputs {

    private RandomInputs() {
    }

    /** One tensor per model input that is not an initializer. The caller closes them. */
    public static Map<String, OnnxTensor> of(OnnxModel model, long seed) throws OrtException {
        OrtEnvironment env = OrtSessions.environment();
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        for (ValueInfoProto v : model.graph().getInputList()) {
            if (model.constants().containsKey(v.getName())) {
                continue;
            }
            TensorType t = model.type(v.getName());
            if (t == null || !t.known()) {
                throw new InputException(model.file(), "input '" + v.getName() + "' has no static shape; give its "
                        + "symbolic dimensions with --dim NAME=VALUE");
            }
            int n = Math.toIntExact(t.elements());
            long[] shape = t.dims();
            tensors.put(v.getName(), switch (TensorProto.DataType.forNumber(t.elementType())) {
                case FLOAT -> {
                    FloatBuffer b = FloatBuffer.allocate(n);
                    for (int i = 0; i < n; i++) {
                        b.put((float) (2 * random.nextDouble() - 1));
                    }
                    yield OnnxTensor.createTensor(env, b.flip(), shape);
                }
                case DOUBLE -> {
                    DoubleBuffer b = DoubleBuffer.allocate(n);
                    for (int i = 0; i < n; i++) {
                        b.put(2 * random.nextDouble() - 1);
                    }
                    yield OnnxTensor.createTensor(env, b.flip(), shape);
                }
                case INT64 -> {
                    LongBuffer b = LongBuffer.allocate(n);
                    for (int i = 0; i < n; i++) {
                        b.put(random.nextInt(2));
                    }
                    yield OnnxTensor.createTensor(env, b.flip(), shape);
                }
                case INT32 -> {
                    IntBuffer b = IntBuffer.allocate(n);
                    for (int i = 0; i < n; i++) {
                        b.put(random.nextInt(2));
                    }
                    yield OnnxTensor.createTensor(env, b.flip(), shape);
                }
                case BOOL -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
                    for (int i = 0; i < n; i++) {
                        b.put((byte) random.nextInt(2));
                    }
                    yield OnnxTensor.createTensor(env, b.flip(), shape, ai.onnxruntime.OnnxJavaType.BOOL);
                }
                default -> throw new InputException(model.file(), "input '" + v.getName() + "': cannot make sample data of type "
                        + TensorProto.DataType.forNumber(t.elementType()));
            });
        }
        return tensors;
    }
}
