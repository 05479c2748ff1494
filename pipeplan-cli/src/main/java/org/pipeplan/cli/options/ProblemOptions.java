package org.pipeplan.cli.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipeplan.device.Device;
import org.pipeplan.device.DeviceCatalog;
import org.pipeplan.device.DeviceKind;
import org.pipeplan.device.DeviceSet;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.onnx.graph.NodeTimes;
import org.pipeplan.onnx.graph.OnnxProblemBuilder;
import org.pipeplan.onnx.graph.Training;
import org.pipeplan.onnx.model.OnnxModel;
import org.pipeplan.onnx.model.OnnxModelReader;
import org.pipeplan.transformer.TransformerGraph;
import org.pipeplan.transformer.TransformerSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The graph to place and its devices, shared by the commands: a placement-json file (with
 * overrides of its k, l and memory) or an ONNX model with a device description.
 */
public final class ProblemOptions {

    private boolean aloneTimes;

    @Parameters(index = "0", paramLabel = "FILE", arity = "0..1",
            description = "Graph to place: placement-json (docs/input-format.md) or an ONNX model (.onnx); or give --model.")
    Path file;

    @Option(names = "--model", paramLabel = "SPEC",
            description = "Instead of FILE, a transformer from its hyperparameters (docs/training.md): "
                    + "gpt:layers=L,hidden=H,heads=A,seq=S,vocab=V[,ffn=F,tied=true] or "
                    + "llama:layers=L,hidden=H,heads=A,kv-heads=G,ffn=F,seq=S,vocab=V; planned for training "
                    + "(forward and backward) on --devices TYPE:N.")
    String model;

    @Option(names = {"-k", "--accelerators"}, paramLabel = "K", description = "placement-json: number of accelerators (default: the file's maxFPGAs).")
    Integer accelerators;

    @Option(names = {"-l", "--cpus"}, paramLabel = "L", description = "placement-json: number of CPU cores (default: the file's maxCPUs).")
    Integer cpus;

    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", converter = ByteSizeConverter.class,
            description = "placement-json: memory per accelerator, e.g. 17185374208 or 16GiB (default: the file's maxSizePerFPGA).")
    Double memory;

    @Option(names = "--devices", paramLabel = "SPEC|FILE",
            description = "ONNX: the devices, as TYPE:COUNT,... of the catalog (e.g. v100-16gb:4,cpu-core:1) or a device "
                    + "file (docs/devices.md) (default: cpu-core:<cores of this machine>).")
    String devices;

    @Option(names = "--catalog", paramLabel = "FILE", description = "ONNX: a device file whose types extend the bundled catalog.")
    Path catalog;

    @Option(names = "--topology", paramLabel = "T", description = "ONNX: host, chain or all-to-all (default: host, or the device file's).")
    String topology;

    @Option(names = "--node-times", paramLabel = "FILE", description = "ONNX: measured node times (from pipeplan profile) for their device type.")
    Path nodeTimes;

    @Option(names = "--training", description = "ONNX: plan the training workload (forward and backward) instead of inference.")
    boolean training;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "ONNX training: optimizer state per parameter: sgd, momentum or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--granularity", paramLabel = "G", defaultValue = "operators",
            description = "ONNX: what a plan may cut between: operators, or modules (the layers an export to PyTorch "
                    + "expresses, docs/onnx.md), so that export and split reproduce the plan (default: ${DEFAULT-VALUE}).")
    String granularity;

    @Option(names = "--dim", paramLabel = "NAME=VALUE", description = "ONNX: value of a symbolic dimension (default 1), e.g. --dim batch=8.")
    Map<String, Long> dims = new LinkedHashMap<>();

    /** The model or instance file (null when the model is given by --model). */
    public Path file() {
        return file;
    }

    /** Whether the model is a transformer given by --model. */
    public boolean hasModelSpec() {
        return model != null;
    }

    /** The transformer of --model; an input error names what is wrong with the spec. */
    public TransformerSpec transformerSpec() {
        try {
            return TransformerSpec.parse(model);
        } catch (IllegalArgumentException e) {
            throw new InputException("--model", e.getMessage());
        }
    }

    /** Tokens per sample: a transformer's sequence length, 1 for other models. */
    public double tokensPerSample() {
        return hasModelSpec() ? transformerSpec().seq() : 1;
    }

    /** What the model is, for plan files: the spec of --model with all its keys, or the file name. */
    public String modelName() {
        return hasModelSpec() ? transformerSpec().text() : file.getFileName().toString();
    }

    /** Whether devices were given with --devices. */
    public boolean hasDevices() {
        return devices != null;
    }

    /** The devices to use when --devices is not given (a spec such as "edge-tpu:4"). */
    public void defaultDevices(String spec) {
        if (devices == null) {
            devices = spec;
        }
    }

    /** The topology to use when --topology is not given. */
    public void defaultTopology(String value) {
        if (topology == null) {
            topology = value;
        }
    }

    public boolean isOnnx() {
        return file != null && file.getFileName() != null
                && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    public PlacementProblem load() {
        if (file == null && model == null) {
            throw new UsageError("Missing required parameter: 'FILE' (a placement-json or .onnx model), or --model SPEC");
        }
        if (model != null) {
            if (file != null) {
                throw new InputException("command line", "give a model FILE or --model, not both");
            }
            return loadSpec();
        }
        return isOnnx() ? loadOnnx() : loadJson();
    }

    /** A transformer from --model, built for training on the --devices. */
    private PlacementProblem loadSpec() {
        checkOnnxOptions();
        TransformerSpec spec = transformerSpec();
        DeviceSpec devicesOfModel = deviceSpec();
        return new PlacementProblem(spec.name(), TransformerGraph.build(spec, true, devicesOfModel), devicesOfModel.deviceSet());
    }

    /** The ONNX model itself (for the commands that split or run it). */
    public OnnxModel onnxModel() {
        if (!isOnnx()) {
            throw new InputException(file == null ? "--model" : file.toString(), "not an ONNX model (.onnx)");
        }
        return OnnxModelReader.read(file, dims);
    }

    private PlacementProblem loadOnnx() {
        return problemOf(onnxModel());
    }

    private void checkOnnxOptions() {
        if (accelerators != null || cpus != null || memory != null) {
            throw new InputException("command line", "-k, -l and --memory apply to placement-json; describe the devices of "
                    + "an ONNX model or of --model with --devices");
        }
    }

    /**
     * Measured node times serve one sample at a time (the latency objective): the contention that
     * {@code profile} measured between busy cores is left out of them.
     */
    public void aloneTimes(boolean alone) {
        this.aloneTimes = alone;
    }

    /** Whether measured node times were given (only they carry a contention). */
    public boolean hasNodeTimes() {
        return nodeTimes != null;
    }

    /** The placement problem of an ONNX model read with {@link #onnxModel()}. */
    public PlacementProblem problemOf(OnnxModel model) {
        return problemOf(model, aloneTimes);
    }

    /** The same, with measured times for one sample alone or for a full pipeline. */
    public PlacementProblem problemOf(OnnxModel model, boolean alone) {
        checkOnnxOptions();
        OnnxProblemBuilder builder = new OnnxProblemBuilder(model, deviceSpec()).aloneTimes(alone);
        if (nodeTimes != null) {
            builder.measured(NodeTimes.read(nodeTimes), nodeTimes.toString());
        }
        if (training) {
            builder.training(new Training(Training.Optimizer.parse(optimizer)));
        }
        builder.moduleGranularity(moduleGranularity());
        return builder.build();
    }

    /** Whether --granularity modules was given (an error names a bad value). */
    private boolean moduleGranularity() {
        return switch (granularity.toLowerCase(java.util.Locale.ROOT)) {
            case "operators" -> false;
            case "modules" -> true;
            default -> throw new InputException("command line", "--granularity must be operators or modules, got '"
                    + granularity + "'");
        };
    }

    /** A --devices value that names a file rather than TYPE:COUNT pairs. */
    private static boolean looksLikeFile(String text) {
        return text.endsWith(".json") || text.contains("/");
    }

    public DeviceSpec deviceSpec() {
        DeviceCatalog base = DeviceFileReader.bundledCatalog();
        if (catalog != null) {
            base = DeviceFileReader.read(catalog, base).catalog();
        }
        String text = devices != null ? devices : "cpu-core:" + Runtime.getRuntime().availableProcessors();
        DeviceSpec spec;
        if (looksLikeFile(text) && !Files.exists(Path.of(text))) {
            throw new InputException(text, "no such device file (--devices takes a device file or TYPE:COUNT,...)");
        }
        if (Files.exists(Path.of(text))) {
            DeviceFileReader.Contents contents = DeviceFileReader.read(Path.of(text), base);
            if (contents.devices() == null) {
                throw new InputException(text, "the device file lists no 'devices'");
            }
            spec = contents.devices();
        } else {
            spec = DeviceSpec.parse(text, base, Topology.HOST);
        }
        return topology == null ? spec : new DeviceSpec(spec.groups(), Topology.parse(topology));
    }

    private PlacementProblem loadJson() {
        if (devices != null || nodeTimes != null || training || catalog != null) {
            throw new InputException("command line", "--devices, --catalog, --node-times and --training apply to ONNX models");
        }
        PlacementProblem problem = PlacementJsonReader.read(file);
        if (accelerators == null && cpus == null && memory == null) {
            return problem;
        }
        DeviceSet devicesOfFile = problem.devices();
        List<Device> accs = devicesOfFile.all().stream().filter(Device::isAccelerator).toList();
        int k = accelerators != null ? accelerators : accs.size();
        int l = cpus != null ? cpus : devicesOfFile.count(DeviceKind.CPU);
        double m = memory != null ? memory : accs.stream().mapToDouble(Device::memoryLimit).findFirst()
                .orElse(Double.POSITIVE_INFINITY);
        if (k < 0 || l < 0) {
            throw new InputException("command line", "device counts must be >= 0");
        }
        if (k + l == 0) {
            throw new InputException("command line", "no devices: -k and -l are both 0");
        }
        return problem.withDevices(DeviceSet.acceleratorsAndCpus(k, m, l));
    }
}
