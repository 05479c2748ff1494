package org.pipeplan.onnx.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
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
import org.pipeplan.io.InputFiles;

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
        checkGraph(file, proto.getGraph());
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
        checkSizes(file, types);
        OnnxModel model = new OnnxModel(file, proto, opset, types, constants);
        try {
            new ShapeInference(model, types).run();
        } catch (ArithmeticException e) {
            throw new InputException(file, "a tensor's shape has more elements than a 64-bit count holds (check the "
                    + "shapes and --dim values)");
        }
        checkSizes(file, types);
        return model;
    }

    /**
     * What every command needs of the graph, checked once here: every node input is made by a node
     * or is a graph input or an initializer, and every initializer's data holds as many elements as
     * its dimensions say.
     */
    private static void checkGraph(Path file, GraphProto graph) {
        java.util.Set<String> defined = new java.util.HashSet<>();
        graph.getInputList().forEach(v -> defined.add(v.getName()));
        graph.getInitializerList().forEach(t -> defined.add(t.getName()));
        graph.getSparseInitializerList().forEach(t -> defined.add(t.getValues().getName()));
        for (NodeProto n : graph.getNodeList()) {
            defined.addAll(n.getOutputList());
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new InputException(file, "node '" + OnnxModel.nodeName(n) + "' (" + n.getOpType() + "): input '"
                            + in + "' is made by no node and is neither a graph input nor an initializer");
                }
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            checkData(file, t);
        }
    }

    /** The elements of an initializer's dimensions; negative ones and counts beyond 64 bits are errors. */
    static long elementsOf(Path file, TensorProto t) {
        long elements = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new InputException(file, "initializer '" + t.getName() + "': negative dimension in " + t.getDimsList());
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new InputException(file, "initializer '" + t.getName() + "': dimensions " + t.getDimsList()
                        + " have more elements than a 64-bit count holds");
            }
        }
        return elements;
    }

    private static void checkData(Path file, TensorProto t) {
        long elements = elementsOf(file, t);
        int elementBytes = TensorType.elementBytes(t.getDataType());
        long given;
        String field;
        if (!t.getRawData().isEmpty()) {
            if (elementBytes <= 0) {
                return;
            }
            given = t.getRawData().size() / elementBytes;
            field = "raw_data";
            if (t.getRawData().size() % elementBytes != 0) {
                given = -1;
            }
        } else if (t.getFloatDataCount() > 0 && t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            given = t.getFloatDataCount();
            field = "float_data";
        } else if (t.getInt64DataCount() > 0 && t.getDataType() == TensorProto.DataType.INT64_VALUE) {
            given = t.getInt64DataCount();
            field = "int64_data";
        } else if (t.getDoubleDataCount() > 0 && t.getDataType() == TensorProto.DataType.DOUBLE_VALUE) {
            given = t.getDoubleDataCount();
            field = "double_data";
        } else if (t.getInt32DataCount() > 0 && t.getDataType() == TensorProto.DataType.INT32_VALUE) {
            given = t.getInt32DataCount();
            field = "int32_data";
        } else {
            return; // no data (structure only), external data (checked with its file) or a type not counted here
        }
        if (given != elements) {
            throw new InputException(file, "initializer '" + t.getName() + "': its " + field + " holds "
                    + (given < 0 ? "a partial element" : given + " elements") + ", its dimensions " + t.getDimsList()
                    + " say " + elements);
        }
    }

    /** Largest tensor accepted: 2^50 bytes (1 PiB), far above any device, and exact as a double cost. */
    static final long MAX_TENSOR_BYTES = 1L << 50;

    /** Every tensor's size must be countable and within {@link #MAX_TENSOR_BYTES}. */
    private static void checkSizes(Path file, Map<String, TensorType> types) {
        types.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            TensorType t = e.getValue();
            if (!t.known()) {
                return;
            }
            long bytes;
            try {
                bytes = t.bytes();
            } catch (ArithmeticException x) {
                throw new InputException(file, "tensor '" + e.getKey() + "': shape " + java.util.Arrays.toString(t.dims())
                        + " has more elements than a 64-bit count holds");
            }
            if (bytes > MAX_TENSOR_BYTES) {
                throw new InputException(file, "tensor '" + e.getKey() + "': shape " + java.util.Arrays.toString(t.dims())
                        + " holds more than " + MAX_TENSOR_BYTES + " bytes (1 PiB)");
            }
        });
    }

    public static OnnxModel read(Path file) {
        return read(file, Map.of());
    }

    private static ModelProto parse(Path file) {
        try (InputStream in = InputFiles.open(file, Integer.MAX_VALUE, "ONNX files (protobuf's 2 GiB; keep the weights "
                + "in external data)")) {
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

    /**
     * External data must stay inside the model's folder and hold the bytes it claims. Only
     * initializers may keep their data outside the file (they are what is read back and inlined
     * into stage models); any other tensor that claims external data (a Constant node's value, a
     * sparse initializer, a tensor inside a subgraph) is refused, so no reference reaches a stage
     * model or ONNX Runtime, which would resolve it against the working directory.
     */
    private static void checkExternalData(Path file, ModelProto proto) {
        Path dir = file.toAbsolutePath().normalize().getParent();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (isExternal(t)) {
                ExternalData.locate(file, dir, t);
            }
        }
        refuseExternalOutsideInitializers(file, proto.getGraph(), true);
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
    }

    private static void refuseExternalOutsideInitializers(Path file, GraphProto graph, boolean topLevel) {
        if (!topLevel) {
            for (TensorProto t : graph.getInitializerList()) {
                refuseExternal(file, t, "subgraph initializer '" + t.getName() + "'");
            }
        }
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            refuseExternal(file, s.getValues(), "sparse initializer '" + s.getValues().getName() + "'");
            refuseExternal(file, s.getIndices(), "sparse initializer '" + s.getValues().getName() + "' (indices)");
        }
        for (NodeProto n : graph.getNodeList()) {
            String where = "node '" + OnnxModel.nodeName(n) + "'";
            for (AttributeProto a : n.getAttributeList()) {
                String at = where + ", attribute '" + a.getName() + "'";
                if (a.hasT()) {
                    refuseExternal(file, a.getT(), at);
                }
                for (TensorProto t : a.getTensorsList()) {
                    refuseExternal(file, t, at);
                }
                if (a.hasSparseTensor()) {
                    refuseExternal(file, a.getSparseTensor().getValues(), at);
                    refuseExternal(file, a.getSparseTensor().getIndices(), at);
                }
                for (SparseTensorProto s : a.getSparseTensorsList()) {
                    refuseExternal(file, s.getValues(), at);
                    refuseExternal(file, s.getIndices(), at);
                }
                if (a.hasG()) {
                    refuseExternalOutsideInitializers(file, a.getG(), false);
                }
                for (GraphProto g : a.getGraphsList()) {
                    refuseExternalOutsideInitializers(file, g, false);
                }
            }
        }
    }

    private static void refuseExternal(Path file, TensorProto t, String where) {
        if (isExternal(t)) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                    .map(StringStringEntryProto::getValue).findFirst().orElse("");
            throw new InputException(file, where + ": external data ('" + location + "') is accepted only on the "
                    + "graph's initializers; store this tensor in the file or make it an initializer");
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
                if (!Files.isRegularFile(real)) {
                    throw new InputException(file, "initializer '" + t.getName() + "': external data '" + location
                            + "' is not a regular file" + (Files.isDirectory(real) ? " (a folder)" : ""));
                }
                long size = Files.size(real);
                long shapeBytes;
                try {
                    long elements = elementsOf(file, t);
                    int elementBytes = TensorType.elementBytes(t.getDataType());
                    shapeBytes = elementBytes > 0 ? Math.multiplyExact(elements, (long) elementBytes) : -1;
                } catch (ArithmeticException e) {
                    throw new InputException(file, "initializer '" + t.getName() + "': its dimensions "
                            + t.getDimsList() + " overflow a byte count");
                }
                if (length >= 0 && shapeBytes >= 0 && length != shapeBytes) {
                    throw new InputException(file, "initializer '" + t.getName() + "': external data length " + length
                            + " bytes does not match its shape " + t.getDimsList() + " (" + shapeBytes + " bytes)");
                }
                long expected = length >= 0 ? length : shapeBytes;
                if (expected < 0) {
                    throw new InputException(file, "initializer '" + t.getName() + "': external data of type "
                            + TensorProto.DataType.forNumber(t.getDataType()) + " needs a 'length'");
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
