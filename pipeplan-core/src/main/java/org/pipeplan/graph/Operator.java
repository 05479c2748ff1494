package org.pipeplan.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.pipeplan.device.DeviceKind;

/**
 * One node of the operator graph, as the cost model sees it.
 *
 * <p>Compute times are given per {@link DeviceKind}; an operator may run only on the kinds in
 * {@link #allowedKinds()}. Its {@link #transferTime(DeviceKind) transfer time} on a kind is the
 * time a device of that kind spends moving the operator's output over its link; the cost model
 * charges it once to every device that sends or receives that output. Host devices, which work in
 * host memory, are never charged.
 */
public final class Operator {

    private final long id;
    private final String name;
    private final boolean backward;
    private final Long colocationLabel;
    private final Long layerId;
    private final String opType;
    private final double memoryBytes;
    private final double outputBytes;
    private final double flops;
    private final double bytesMoved;
    private final double parameterCount;
    private final TensorParallelism tensorParallelism;
    private final Map<DeviceKind, Double> transferTimes;
    private final Map<DeviceKind, Double> computeTimes;
    private final Set<DeviceKind> allowedKinds;

    private Operator(Builder b) {
        this.id = b.id;
        this.name = b.name == null ? Long.toString(b.id) : b.name;
        this.backward = b.backward;
        this.colocationLabel = b.colocationLabel;
        this.layerId = b.layerId;
        this.opType = b.opType;
        this.memoryBytes = b.memoryBytes;
        this.outputBytes = b.outputBytes;
        this.flops = b.flops;
        this.bytesMoved = b.bytesMoved;
        this.parameterCount = b.parameterCount;
        this.tensorParallelism = b.tensorParallelism;
        this.transferTimes = Collections.unmodifiableMap(new LinkedHashMap<>(b.transferTimes));
        this.computeTimes = Collections.unmodifiableMap(new LinkedHashMap<>(b.computeTimes));
        this.allowedKinds = Set.copyOf(b.allowedKinds == null ? b.computeTimes.keySet() : b.allowedKinds);
        for (DeviceKind kind : allowedKinds) {
            if (!computeTimes.containsKey(kind)) {
                throw new IllegalArgumentException("operator " + id + " is allowed on " + kind
                        + " but has no compute time for it");
            }
        }
    }

    public static Builder builder(long id) {
        return new Builder(id);
    }

    /**
     * The kind of operation (an ONNX op type such as "MatMul"; "ConvGrad" for the backward of a
     * convolution), where the input says; empty for graphs that do not (placement-json).
     */
    public java.util.Optional<String> opType() {
        return java.util.Optional.ofNullable(opType);
    }

    /** The identifier used in input and plan files. */
    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** True for operators of the backward pass of a training graph. */
    public boolean isBackward() {
        return backward;
    }

    /**
     * The colocation label from the input: operators sharing a label must sit on the same device.
     * Empty when the operator may go anywhere independently.
     */
    public OptionalLong colocationLabel() {
        return colocationLabel == null ? OptionalLong.empty() : OptionalLong.of(colocationLabel);
    }

    /** The layer this operator belongs to, when the input says so. */
    public OptionalLong layerId() {
        return layerId == null ? OptionalLong.empty() : OptionalLong.of(layerId);
    }

    /** Bytes this operator keeps resident on the device it runs on (weights, stashed state...). */
    public double memoryBytes() {
        return memoryBytes;
    }

    /** Bytes of this operator's outputs, when known (0 otherwise). */
    public double outputBytes() {
        return outputBytes;
    }

    /**
     * Floating-point operations of one sample, where the input says (ONNX models and the
     * transformer models do); NaN otherwise. With {@link #bytesMoved()} it lets a cost model time
     * the operator for other batch sizes and devices than its compute times were made for.
     */
    public double flops() {
        return flops;
    }

    /** Bytes the operator reads and writes for one sample, where the input says; NaN otherwise. */
    public double bytesMoved() {
        return bytesMoved;
    }

    /**
     * Parameters (weights) the operator owns, where the input says (the transformer models do);
     * NaN otherwise. Training memory and gradient traffic count parameters, whatever their stored type.
     */
    public double parameterCount() {
        return parameterCount;
    }

    /** How the operator divides among the GPUs of a tensor-parallel group, where the model says. */
    public TensorParallelism tensorParallelism() {
        return tensorParallelism;
    }

    /** Time a device of this kind spends moving the operator's output over its link (0 if none). */
    public double transferTime(DeviceKind kind) {
        Double t = transferTimes.get(kind);
        return t == null ? 0 : t;
    }

    public Map<DeviceKind, Double> transferTimes() {
        return transferTimes;
    }

    /** Compute time on a device of the given kind, or NaN if none is known. */
    public double computeTime(DeviceKind kind) {
        Double t = computeTimes.get(kind);
        return t == null ? Double.NaN : t;
    }

    public Map<DeviceKind, Double> computeTimes() {
        return computeTimes;
    }

    public Set<DeviceKind> allowedKinds() {
        return allowedKinds;
    }

    public boolean runsOn(DeviceKind kind) {
        return allowedKinds.contains(kind);
    }

    @Override
    public String toString() {
        return "Operator[" + id + (name.equals(Long.toString(id)) ? "" : " " + name) + "]";
    }

    /** Mutable builder; {@link #build()} makes the immutable operator. */
    public static final class Builder {
        private final long id;
        private String name;
        private boolean backward;
        private Long colocationLabel;
        private Long layerId;
        private String opType;
        private double memoryBytes;
        private double outputBytes;
        private double flops = Double.NaN;
        private double bytesMoved = Double.NaN;
        private double parameterCount = Double.NaN;
        private TensorParallelism tensorParallelism = TensorParallelism.UNSPECIFIED;
        private final Map<DeviceKind, Double> transferTimes = new LinkedHashMap<>();
        private final Map<DeviceKind, Double> computeTimes = new LinkedHashMap<>();
        private Set<DeviceKind> allowedKinds;

        private Builder(long id) {
            this.id = id;
        }

        public Builder name(String value) {
            this.name = value;
            return this;
        }

        public Builder backward(boolean value) {
            this.backward = value;
            return this;
        }

        public Builder colocationLabel(Long value) {
            this.colocationLabel = value;
            return this;
        }

        public Builder layerId(Long value) {
            this.layerId = value;
            return this;
        }

        public Builder opType(String value) {
            this.opType = value;
            return this;
        }

        public Builder memoryBytes(double value) {
            this.memoryBytes = value;
            return this;
        }

        public Builder outputBytes(double value) {
            this.outputBytes = value;
            return this;
        }

        /** Work of one sample: its floating-point operations and the bytes it moves. */
        public Builder work(double flopsPerSample, double bytesPerSample) {
            this.flops = flopsPerSample;
            this.bytesMoved = bytesPerSample;
            return this;
        }

        public Builder parameterCount(double value) {
            this.parameterCount = value;
            return this;
        }

        public Builder tensorParallelism(TensorParallelism value) {
            this.tensorParallelism = Objects.requireNonNull(value);
            return this;
        }

        public Builder transferTime(DeviceKind kind, double time) {
            transferTimes.put(Objects.requireNonNull(kind), time);
            return this;
        }

        public Builder computeTime(DeviceKind kind, double time) {
            computeTimes.put(Objects.requireNonNull(kind), time);
            return this;
        }

        /** Restricts the kinds the operator may run on; by default every kind with a compute time. */
        public Builder allowedKinds(Set<DeviceKind> kinds) {
            this.allowedKinds = Set.copyOf(kinds);
            return this;
        }

        public Operator build() {
            return new Operator(this);
        }
    }
}
