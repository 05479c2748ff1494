package org.pipeplan.onnx.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.pipeplan.io.InputException;

/**
 * Makes a model runnable by ONNX Runtime from memory: external data is read into the model, and
 * initializers without data (structure-only files) get seeded random values — floats with variance
 * 1/fan-in for weight matrices and near 1 for vectors, zeros for integers — so activations stay
 * finite through deep networks. Random weights serve timing and equivalence checks, not accuracy.
 */
public final class ModelWeights {

    /**
     * A model whose every initializer holds its data.
     *
     * @param proto          the model
     * @param randomTensors  initializers that were filled with random values
     * @param externalTensors initializers read from external data files
     */
    public record Complete(ModelProto proto, int randomTensors, int externalTensors) {
    }

    private ModelWeights() {
    }

    public static Complete complete(OnnxModel model, long seed) {
        Path dir = model.file().toAbsolutePath().normalize().getParent();
        GraphProto.Builder graph = model.graph().toBuilder();
        SplittableRandom random = new SplittableRandom(seed);
        int randomCount = 0;
        int externalCount = 0;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                graph.setInitializer(i, inline(model.file(), dir, t));
                externalCount++;
            } else if (!OnnxModel.hasData(t)) {
                graph.setInitializer(i, randomFill(model.file(), t, random.split()));
                randomCount++;
            }
        }
        return new Complete(model.proto().toBuilder().setGraph(graph).build(), randomCount, externalCount);
    }

    private static TensorProto inline(Path file, Path dir, TensorProto t) {
        OnnxModelReader.ExternalData where = OnnxModelReader.ExternalData.locate(file, dir, t);
        if (where.length() > Integer.MAX_VALUE - 64) {
            throw new InputException(file, "initializer '" + t.getName() + "': " + where.length()
                    + " bytes of external data are more than one in-memory ONNX model can hold");
        }
        byte[] bytes = new byte[(int) where.length()];
        try (RandomAccessFile in = new RandomAccessFile(where.path().toFile(), "r")) {
            in.seek(where.offset());
            in.readFully(bytes);
        } catch (IOException e) {
            throw new InputException(file, "initializer '" + t.getName() + "': cannot read external data: " + e.getMessage());
        }
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(ByteString.copyFrom(bytes)).build();
    }

    private static TensorProto randomFill(Path file, TensorProto t, SplittableRandom random) {
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        int elementBytes = TensorType.elementBytes(t.getDataType());
        if (elementBytes <= 0 || count * elementBytes > Integer.MAX_VALUE - 64) {
            throw new InputException(file, "initializer '" + t.getName() + "': cannot fill data of type "
                    + TensorProto.DataType.forNumber(t.getDataType()) + " with " + count + " elements");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) (count * elementBytes)).order(ByteOrder.LITTLE_ENDIAN);
        double fanIn = t.getDimsCount() >= 2 ? count / (double) t.getDims(0) : 0;
        double half = fanIn > 0 ? Math.sqrt(3 / fanIn) : 0.1; // uniform(-h, h) has variance h^2/3
        double centre = fanIn > 0 ? 0 : 1;
        for (long k = 0; k < count; k++) {
            double v = centre + (2 * random.nextDouble() - 1) * half;
            switch (TensorProto.DataType.forNumber(t.getDataType())) {
                case FLOAT -> buffer.putFloat((float) v);
                case DOUBLE -> buffer.putDouble(v);
                case FLOAT16 -> buffer.putShort(half((float) v));
                case BFLOAT16 -> buffer.putShort((short) (Float.floatToIntBits((float) v) >>> 16));
                default -> buffer.position(buffer.position() + elementBytes); // integers and booleans: zero
            }
        }
        return t.toBuilder().setRawData(ByteString.copyFrom(buffer.array())).build();
    }

    /** IEEE half precision of a value of small magnitude (the random weights are within [-2, 2]). */
    private static short half(float v) {
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
        if (exponent <= 0) {
            return (short) sign; // too small for a normal half: zero
        }
        return (short) (sign | exponent << 10 | (bits >>> 13) & 0x3ff);
    }
}
