package org.pipeplan.onnx.model;

import static org.pipeplan.onnx.model.TensorValues.intAttribute;
import static org.pipeplan.onnx.model.TensorValues.intsAttribute;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pipeplan.io.InputException;

/**
 * Fills in the types of tensors the file does not describe, node by node in graph order, for the
 * common operators of CNNs and transformers. Outputs that nobody reads may stay unknown; for any
 * other output that cannot be inferred the error names the node, its operator and the output.
 */
final class ShapeInference {

    private static final int BOOL = 9;
    private static final int INT64 = 7;

    private static final Set<String> SAME_SHAPE = Set.of("Relu", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "Erf",
            "Exp", "Log", "Sqrt", "Reciprocal", "Neg", "Abs", "Softplus", "Softsign", "HardSigmoid", "HardSwish", "Gelu",
            "Clip", "Dropout", "Identity", "Softmax", "LogSoftmax", "BatchNormalization", "InstanceNormalization",
            "LayerNormalization", "LpNormalization", "Floor", "Ceil", "Round", "Sign", "Mish", "Not", "Cos", "Sin",
            "IsNaN", "IsInf", "CumSum", "Shrink", "ThresholdedRelu", "Celu", "Hardmax", "LRN", "MeanVarianceNormalization",
            "Cast", "CastLike");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
            "Where", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor", "PRelu", "Mod",
            "BitShift");
    private static final Set<String> COMPARISONS = Set.of("Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
            "And", "Or", "Xor", "Not", "IsNaN", "IsInf");

    private final OnnxModel model;
    private final Map<String, TensorType> types;
    private final Set<String> needed = new HashSet<>();

    ShapeInference(OnnxModel model, Map<String, TensorType> types) {
        this.model = model;
        this.types = types;
        for (NodeProto n : model.nodes()) {
            needed.addAll(n.getInputList());
        }
        model.graph().getOutputList().forEach(o -> needed.add(o.getName()));
    }

    void run() {
        for (NodeProto node : model.nodes()) {
            boolean missing = node.getOutputList().stream().anyMatch(o -> !o.isEmpty() && !known(o));
            if (!missing) {
                continue;
            }
            List<TensorType> outputs;
            try {
                outputs = infer(node);
            } catch (InvalidNode e) {
                throw new InputException(model.file(), "node '" + OnnxModel.nodeName(node) + "' (" + node.getOpType()
                        + "): " + e.getMessage() + "; inputs " + describeInputs(node));
            } catch (RuntimeException e) {
                outputs = null;
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                String out = node.getOutput(i);
                if (out.isEmpty() || known(out)) {
                    continue;
                }
                TensorType t = outputs != null && i < outputs.size() ? outputs.get(i) : null;
                if (t != null && t.known()) {
                    types.put(out, t);
                } else if (needed.contains(out) || i == 0) {
                    throw new InputException(model.file(), "node '" + OnnxModel.nodeName(node) + "' (" + node.getOpType()
                            + "): cannot infer the shape of output '" + out + "' from its inputs " + describeInputs(node)
                            + "; add value_info to the model (e.g. with onnx.shape_inference)");
                }
            }
        }
    }

    private boolean known(String tensor) {
        TensorType t = types.get(tensor);
        return t != null && t.known();
    }

    private String describeInputs(NodeProto node) {
        List<String> parts = new ArrayList<>();
        for (String in : node.getInputList()) {
            TensorType t = types.get(in);
            parts.add(in + (t == null ? "?" : t.toString()));
        }
        return parts.toString();
    }

    private TensorType input(NodeProto node, int i) {
        if (i >= node.getInputCount() || node.getInput(i).isEmpty()) {
            return null;
        }
        TensorType t = types.get(node.getInput(i));
        return t != null && t.known() ? t : null;
    }

    private long[] constantInput(NodeProto node, int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty() ? TensorValues.longs(model, node.getInput(i)) : null;
    }

    private List<TensorType> infer(NodeProto node) {
        String op = node.getOpType();
        TensorType x = input(node, 0);
        if (op.equals("Constant")) {
            return null; // typed by the reader from its value
        }
        if (SAME_SHAPE.contains(op)) {
            int type = op.equals("Cast") ? (int) intAttribute(node, "to", x.elementType())
                    : COMPARISONS.contains(op) ? BOOL : x.elementType();
            return List.of(new TensorType(type, x.dims()));
        }
        if (BROADCAST.contains(op)) {
            long[] dims = x.dims();
            for (int i = 1; i < node.getInputCount(); i++) {
                dims = broadcast(dims, input(node, i).dims());
            }
            int type = COMPARISONS.contains(op) ? BOOL
                    : op.equals("Where") ? input(node, 1).elementType() : x.elementType();
            return List.of(new TensorType(type, dims));
        }
        return switch (op) {
            case "Conv" -> List.of(conv(node, x, input(node, 1)));
            case "ConvTranspose" -> List.of(convTranspose(node, x, input(node, 1)));
            case "MaxPool", "AveragePool", "LpPool" -> List.of(pool(node, x));
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> {
                long[] d = x.dims().clone();
                for (int i = 2; i < d.length; i++) {
                    d[i] = 1;
                }
                yield List.of(x.withDims(d));
            }
            case "Flatten" -> {
                int axis = (int) normalise(intAttribute(node, "axis", 1), x.rank());
                long a = 1;
                long b = 1;
                for (int i = 0; i < x.rank(); i++) {
                    if (i < axis) {
                        a *= x.dim(i);
                    } else {
                        b *= x.dim(i);
                    }
                }
                yield List.of(x.withDims(new long[] {a, b}));
            }
            case "Gemm" -> {
                TensorType b = input(node, 1);
                boolean ta = intAttribute(node, "transA", 0) == 1;
                boolean tb = intAttribute(node, "transB", 0) == 1;
                if (x.rank() != 2 || b.rank() != 2) {
                    throw new InvalidNode("Gemm multiplies two matrices, got ranks " + x.rank() + " and " + b.rank());
                }
                long ka = ta ? x.dim(0) : x.dim(1);
                long kb = tb ? b.dim(1) : b.dim(0);
                if (ka != kb) {
                    throw new InvalidNode("the inner dimensions do not match (" + ka + " against " + kb + ")");
                }
                long m = ta ? x.dim(1) : x.dim(0);
                long n = tb ? b.dim(0) : b.dim(1);
                yield List.of(x.withDims(new long[] {m, n}));
            }
            case "MatMul" -> List.of(x.withDims(matmul(x.dims(), input(node, 1).dims())));
            case "Concat" -> {
                int axis = (int) normalise(intAttribute(node, "axis", 0), x.rank());
                long[] d = x.dims().clone();
                for (int i = 1; i < node.getInputCount(); i++) {
                    d[axis] += input(node, i).dim(axis);
                }
                yield List.of(x.withDims(d));
            }
            case "Reshape" -> List.of(x.withDims(reshape(x, constantInput(node, 1), intAttribute(node, "allowzero", 0))));
            case "Transpose" -> {
                long[] perm = intsAttribute(node, "perm");
                long[] d = new long[x.rank()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = x.dim(perm == null ? d.length - 1 - i : (int) perm[i]);
                }
                yield List.of(x.withDims(d));
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                 "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin" -> List.of(reduce(node, x));
            case "Unsqueeze" -> {
                long[] axes = model.opset() >= 13 ? constantInput(node, 1) : intsAttribute(node, "axes");
                int rank = x.rank() + axes.length;
                boolean[] inserted = new boolean[rank];
                for (long a : axes) {
                    inserted[(int) normalise(a, rank)] = true;
                }
                long[] d = new long[rank];
                for (int i = 0, j = 0; i < rank; i++) {
                    d[i] = inserted[i] ? 1 : x.dim(j++);
                }
                yield List.of(x.withDims(d));
            }
            case "Squeeze" -> {
                long[] axes = model.opset() >= 13 ? constantInput(node, 1) : intsAttribute(node, "axes");
                List<Long> d = new ArrayList<>();
                for (int i = 0; i < x.rank(); i++) {
                    final int index = i;
                    boolean drop = axes == null ? x.dim(i) == 1
                            : Arrays.stream(axes).anyMatch(a -> normalise(a, x.rank()) == index);
                    if (!drop) {
                        d.add(x.dim(i));
                    }
                }
                yield List.of(x.withDims(d.stream().mapToLong(Long::longValue).toArray()));
            }
            case "Gather" -> {
                TensorType indices = input(node, 1);
                int axis = (int) normalise(intAttribute(node, "axis", 0), x.rank());
                List<Long> d = new ArrayList<>();
                for (int i = 0; i < axis; i++) {
                    d.add(x.dim(i));
                }
                for (long v : indices.dims()) {
                    d.add(v);
                }
                for (int i = axis + 1; i < x.rank(); i++) {
                    d.add(x.dim(i));
                }
                yield List.of(x.withDims(d.stream().mapToLong(Long::longValue).toArray()));
            }
            case "Slice" -> List.of(x.withDims(slice(node, x)));
            case "Split" -> split(node, x);
            case "Shape" -> List.of(new TensorType(INT64, new long[] {x.rank()}));
            case "Size" -> List.of(new TensorType(INT64, new long[0]));
            case "Pad" -> {
                long[] pads = model.opset() >= 11 ? constantInput(node, 1) : intsAttribute(node, "pads");
                long[] d = x.dims().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] += pads[i] + pads[i + d.length];
                }
                yield List.of(x.withDims(d));
            }
            case "Expand" -> List.of(x.withDims(broadcast(x.dims(), constantInput(node, 1))));
            case "Tile" -> {
                long[] repeats = constantInput(node, 1);
                long[] d = x.dims().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] *= repeats[i];
                }
                yield List.of(x.withDims(d));
            }
            case "ConstantOfShape" -> List.of(new TensorType(1, constantInput(node, 0)));
            default -> null;
        };
    }

    private static long normalise(long axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static long[] matmul(long[] a, long[] b) {
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        long[] batch = broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
        List<Long> out = new ArrayList<>();
        for (long d : batch) {
            out.add(d);
        }
        if (a.length > 1) {
            out.add(a2[a2.length - 2]);
        }
        if (b.length > 1) {
            out.add(b2[b2.length - 1]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private TensorType conv(NodeProto node, TensorType x, TensorType w) {
        int spatial = x.rank() - 2;
        long group = intAttribute(node, "group", 1);
        if (x.rank() < 3 || w.rank() != x.rank()) {
            throw new InvalidNode("Conv needs an input and a weight of the same rank, 3 or more");
        }
        if (group < 1 || x.dim(1) != w.dim(1) * group || w.dim(0) % group != 0) {
            throw new InvalidNode("group " + group + " does not fit " + x.dim(1) + " input channels and weights "
                    + Arrays.toString(w.dims()));
        }
        long[] kernel = Arrays.copyOfRange(w.dims(), 2, w.rank());
        long[] d = new long[x.rank()];
        d[0] = x.dim(0);
        d[1] = w.dim(0);
        long[] out = windowed(node, Arrays.copyOfRange(x.dims(), 2, x.rank()), kernel, spatial);
        System.arraycopy(out, 0, d, 2, spatial);
        return x.withDims(d);
    }

    private TensorType convTranspose(NodeProto node, TensorType x, TensorType w) {
        int spatial = x.rank() - 2;
        long[] strides = orOnes(intsAttribute(node, "strides"), spatial);
        long[] dilations = orOnes(intsAttribute(node, "dilations"), spatial);
        long[] pads = orZeros(intsAttribute(node, "pads"), 2 * spatial);
        long[] outputPadding = orZeros(intsAttribute(node, "output_padding"), spatial);
        long[] outputShape = intsAttribute(node, "output_shape");
        long[] d = new long[x.rank()];
        d[0] = x.dim(0);
        d[1] = w.dim(1) * intAttribute(node, "group", 1);
        for (int i = 0; i < spatial; i++) {
            d[2 + i] = outputShape != null ? outputShape[outputShape.length - spatial + i]
                    : strides[i] * (x.dim(2 + i) - 1) + outputPadding[i] + (w.dim(2 + i) - 1) * dilations[i] + 1
                    - pads[i] - pads[i + spatial];
        }
        return x.withDims(d);
    }

    private TensorType pool(NodeProto node, TensorType x) {
        int spatial = x.rank() - 2;
        long[] d = x.dims().clone();
        long[] out = windowed(node, Arrays.copyOfRange(x.dims(), 2, x.rank()), intsAttribute(node, "kernel_shape"), spatial);
        System.arraycopy(out, 0, d, 2, spatial);
        return x.withDims(d);
    }

    /** Largest pad or kernel extent accepted: 2^31, beyond any real feature map. */
    private static final long MAX_EXTENT = 1L << 31;

    private static void checkWindow(long[] kernel, long[] strides, long[] dilations, long[] pads, int spatial) {
        if (kernel == null || kernel.length < spatial || strides.length < spatial || dilations.length < spatial
                || pads.length < 2 * spatial) {
            throw new InvalidNode("kernel_shape, strides, dilations or pads do not have one value per spatial axis");
        }
        for (int i = 0; i < spatial; i++) {
            if (kernel[i] < 1 || kernel[i] > MAX_EXTENT || strides[i] < 1 || strides[i] > MAX_EXTENT
                    || dilations[i] < 1 || dilations[i] > MAX_EXTENT) {
                throw new InvalidNode("kernel " + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides)
                        + " and dilations " + Arrays.toString(dilations) + " must be from 1 to " + MAX_EXTENT);
            }
        }
        for (long p : pads) {
            if (p < 0 || p > MAX_EXTENT) {
                throw new InvalidNode("pads " + Arrays.toString(pads) + " must be from 0 to " + MAX_EXTENT);
            }
        }
    }

    /** A node whose attributes or input shapes the operator does not allow. */
    static final class InvalidNode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidNode(String message) {
            super(message);
        }
    }

    /** Output size of a sliding window (conv or pool) per spatial axis. */
    private static long[] windowed(NodeProto node, long[] in, long[] kernel, int spatial) {
        long[] strides = orOnes(intsAttribute(node, "strides"), spatial);
        long[] dilations = orOnes(intsAttribute(node, "dilations"), spatial);
        long[] pads = orZeros(intsAttribute(node, "pads"), 2 * spatial);
        String autoPad = TensorValues.stringAttribute(node, "auto_pad", "NOTSET");
        boolean ceil = intAttribute(node, "ceil_mode", 0) == 1;
        long[] out = new long[spatial];
        checkWindow(kernel, strides, dilations, pads, spatial);
        for (int i = 0; i < spatial; i++) {
            long effective = (kernel[i] - 1) * dilations[i] + 1;
            if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                out[i] = (in[i] + strides[i] - 1) / strides[i];
            } else if (autoPad.equals("VALID")) {
                out[i] = (in[i] - effective) / strides[i] + 1;
            } else {
                long span = in[i] + pads[i] + pads[i + spatial] - effective;
                out[i] = (ceil ? Math.floorDiv(span + strides[i] - 1, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
            }
            if (out[i] < 1) {
                throw new InvalidNode("the window (kernel " + Arrays.toString(kernel) + ") is larger than the padded input "
                        + Arrays.toString(in));
            }
        }
        return out;
    }

    private static long[] orOnes(long[] v, int n) {
        if (v != null && v.length > 0) {
            return v;
        }
        long[] ones = new long[n];
        Arrays.fill(ones, 1);
        return ones;
    }

    private static long[] orZeros(long[] v, int n) {
        return v != null && v.length > 0 ? v : new long[n];
    }

    private static long[] reshape(TensorType x, long[] shape, long allowZero) {
        long[] d = shape.clone();
        long known = 1;
        int infer = -1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == 0 && allowZero == 0) {
                d[i] = x.dim(i);
            }
            if (d[i] == -1) {
                infer = i;
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            d[infer] = known == 0 ? 0 : x.elements() / known;
        }
        return d;
    }

    private TensorType reduce(NodeProto node, TensorType x) {
        boolean arg = node.getOpType().startsWith("Arg");
        long[] axes;
        if (arg) {
            axes = new long[] {intAttribute(node, "axis", 0)};
        } else {
            boolean axesAsInput = node.getOpType().equals("ReduceSum") ? model.opset() >= 13 : model.opset() >= 18;
            axes = axesAsInput ? constantInput(node, 1) : intsAttribute(node, "axes");
        }
        boolean keep = intAttribute(node, "keepdims", 1) == 1;
        if (axes == null || axes.length == 0) {
            if (intAttribute(node, "noop_with_empty_axes", 0) == 1) {
                return x;
            }
            axes = new long[x.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            final int index = i;
            boolean reduced = Arrays.stream(axes).anyMatch(a -> normalise(a, x.rank()) == index);
            if (!reduced) {
                d.add(x.dim(i));
            } else if (keep) {
                d.add(1L);
            }
        }
        return new TensorType(arg ? INT64 : x.elementType(), d.stream().mapToLong(Long::longValue).toArray());
    }

    private long[] slice(NodeProto node, TensorType x) {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps;
        if (model.opset() >= 10) {
            starts = constantInput(node, 1);
            ends = constantInput(node, 2);
            axes = constantInput(node, 3);
            steps = constantInput(node, 4);
        } else {
            starts = intsAttribute(node, "starts");
            ends = intsAttribute(node, "ends");
            axes = intsAttribute(node, "axes");
            steps = null;
        }
        long[] d = x.dims().clone();
        for (int i = 0; i < starts.length; i++) {
            int axis = (int) normalise(axes == null ? i : axes[i], x.rank());
            long size = x.dim(axis);
            long step = steps == null ? 1 : steps[i];
            long start = clamp(starts[i] < 0 ? starts[i] + size : starts[i], step > 0 ? 0 : -1, step > 0 ? size : size - 1);
            long end = clamp(ends[i] < 0 ? ends[i] + size : ends[i], step > 0 ? 0 : -1, step > 0 ? size : size - 1);
            d[axis] = step > 0 ? Math.max(0, (end - start + step - 1) / step) : Math.max(0, (start - end - step - 1) / -step);
        }
        return d;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private List<TensorType> split(NodeProto node, TensorType x) {
        int axis = (int) normalise(intAttribute(node, "axis", 0), x.rank());
        long[] parts = model.opset() >= 13 ? constantInput(node, 1) : intsAttribute(node, "split");
        int outputs = node.getOutputCount();
        if (parts == null || parts.length == 0) {
            parts = new long[outputs];
            long each = (x.dim(axis) + outputs - 1) / outputs;
            for (int i = 0; i < outputs; i++) {
                parts[i] = Math.min(each, x.dim(axis) - each * i);
            }
        }
        List<TensorType> out = new ArrayList<>();
        for (long p : parts) {
            long[] d = x.dims().clone();
            d[axis] = p;
            out.add(x.withDims(d));
        }
        return out;
    }
}
