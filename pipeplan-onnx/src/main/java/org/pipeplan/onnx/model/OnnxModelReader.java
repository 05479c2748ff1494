package org.pipeplan.onnx.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pipeplan.io.InputException;

/**
 * Reads an ONNX model: with weights, with external data, or structure only (initializers without
 * data). Checks what planning needs: a graph, a default-domain opset of 7 or later, external data
 * files that exist, lie inside the model's folder and hold the bytes they claim. Every tensor's
 * type comes from the file (inputs, outputs, value_info, initializers, Constant nodes) or, where
 * missing, from {@link ShapeInference}. Errors are one-line {@link InputException}s naming the
 * file, the node or tensor, and the problem.
 */
public final class OnnxModelReader {

    /** The oldest default-domain opset accepted. */
    public static final int MIN_OPSET = 7;

    private OnnxModelReader() {
    }

    /**
     * @param dimensions values for symbolic dimensions (e.g. "batch" = 1); others default to 1
     */
    public static OnnxModel read(Path file, Map<String, Long> dimensions) {
        ModelProto proto = parse(file);
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw new InputException(file, "the model has no graph nodes");
        }
        int opset = defaultOpset(file, proto);
        checkExternalData(file, proto);
        Map<String, TensorProto> constants = new LinkedHashMap<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            constants.put(t.getName(), t);
        }
        Map<String, TensorType> types = new HashMap<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            types.put(t.getName(), new TensorType(t.getDataType(), t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        }
        for (ValueInfoProto v : proto.getGraph().getInputList()) {
            putType(types, v, dimensions);
        }
        for (ValueInfoProto v : proto.getGraph().getValueInfoList()) {
            putType(types, v, dimensions);
        }
        for (ValueInfoProto v : proto.getGraph().getOutputList()) {
            putType(types, v, dimensions);
        }
        for (NodeProto node : proto.getGraph().getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                for (AttributeProto a : node.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        TensorProto t = a.getT();
                        constants.put(node.getOutput(0), t);
                        types.put(node.getOutput(0), new TensorType(t.getDataType(),
                                t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
                    }
                }
            }
        }
        OnnxModel model = new OnnxModel(file, proto, opset, types, constants);
        new ShapeInference(model, types).run();
        return model;
    }

    public static OnnxModel read(Path file) {
        return read(file, Map.of());
    }

    private static ModelProto parse(Path file) {
        try {
            if (Files.size(file) > Integer.MAX_VALUE) {
                throw new InputException(file, Files.size(file) + " bytes: an ONNX file holds at most 2 GiB (protobuf's"
                        + " limit); keep the weights in external data");
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file, "no such file");
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            ModelProto proto = ModelProto.parseFrom(coded);
            if (!proto.hasGraph() && proto.getIrVersion() == 0) {
                throw new InputException(file, "not an ONNX model (no graph and no IR version)");
            }
            return proto;
        } catch (NoSuchFileException e) {
            throw new InputException(file, "no such file");
        } catch (InvalidProtocolBufferException e) {
            throw new InputException(file, "not an ONNX model (protobuf: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + e.getMessage());
        }
    }

    private static int defaultOpset(Path file, ModelProto proto) {
        int opset = -1;
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        if (opset < 0) {
            throw new InputException(file, "the model imports no default-domain opset");
        }
        if (opset < MIN_OPSET) {
            throw new InputException(file, "opset " + opset + " is older than " + MIN_OPSET + "; convert the model first");
        }
        return opset;
    }

    /** External data must stay inside the model's folder and hold the bytes it claims. */
    private static void checkExternalData(Path file, ModelProto proto) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            ExternalData.locate(file, dir, t);
        }
    }

    private static void putType(Map<String, TensorType> types, ValueInfoProto v, Map<String, Long> dimensions) {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return;
        }
        var tensor = v.getType().getTensorType();
        if (!tensor.hasShape()) {
            return; // rank unknown: leave it to shape inference
        }
        long[] dims = new long[tensor.getShape().getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = tensor.getShape().getDim(i);
            if (d.hasDimValue()) {
                dims[i] = d.getDimValue();
            } else if (d.hasDimParam()) {
                dims[i] = dimensions.getOrDefault(d.getDimParam(), 1L);
            } else {
                dims[i] = -1;
            }
        }
        types.put(v.getName(), new TensorType(tensor.getElemType(), dims));
    }

    /** Where an external tensor's bytes are. */
    record ExternalData(Path path, long offset, long length) {

        static ExternalData locate(Path file, Path dir, TensorProto t) {
            String location = null;
            long offset = 0;
            long length = -1;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = parseLong(file, t, e);
                    case "length" -> length = parseLong(file, t, e);
                    default -> { }
                }
            }
            if (location == null || location.isEmpty()) {
                throw new InputException(file, "initializer '" + t.getName() + "': external data without a location");
            }
            Path target;
            boolean absolute;
            try {
                target = dir.resolve(location).normalize();
                absolute = Path.of(location).isAbsolute();
            } catch (java.nio.file.InvalidPathException e) {
                throw new InputException(file, "initializer '" + t.getName() + "': external data path '" + location
                        + "' is not a valid path (" + e.getReason() + ")");
            }
            if (absolute || !target.startsWith(dir)) {
                throw new InputException(file, "initializer '" + t.getName() + "': external data path '" + location
                        + "' leaves the model's folder");
            }
            try {
                Path real = target.toRealPath();
                if (!real.startsWith(dir.toRealPath())) {
                    throw new InputException(file, "initializer '" + t.getName() + "': external data path '" + location
                            + "' leaves the model's folder (through a link)");
                }
                long size = Files.size(real);
                long expected;
                try {
                    expected = length >= 0 ? length
                            : Math.multiplyExact(t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact),
                                    (long) TensorType.elementBytes(t.getDataType()));
                } catch (ArithmeticException e) {
                    throw new InputException(file, "initializer '" + t.getName() + "': its dimensions "
                            + t.getDimsList() + " overflow a byte count");
                }
                if (offset < 0 || expected < 0 || offset > size || expected > size - offset) {
                    throw new InputException(file, "initializer '" + t.getName() + "': external data file '" + location
                            + "' holds " + size + " bytes, fewer than offset " + offset + " + length " + expected);
                }
                return new ExternalData(real, offset, expected);
            } catch (NoSuchFileException e) {
                throw new InputException(file, "initializer '" + t.getName() + "': external data file '" + location
                        + "' does not exist");
            } catch (IOException e) {
                throw new InputException(file, "initializer '" + t.getName() + "': cannot read external data '"
                        + location + "': " + e.getMessage());
            }
        }

        private static long parseLong(Path file, TensorProto t, StringStringEntryProto e) {
            try {
                return Long.parseLong(e.getValue());
            } catch (NumberFormatException ex) {
                throw new InputException(file, "initializer '" + t.getName() + "': external data " + e.getKey()
                        + " '" + e.getValue() + "' is not a number");
            }
        }
    }
}
