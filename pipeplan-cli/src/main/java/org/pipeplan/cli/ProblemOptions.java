package org.pipeplan.cli;

import java.nio.file.Path;
import org.pipeplan.graph.Device;
import org.pipeplan.graph.DeviceKind;
import org.pipeplan.graph.DeviceSet;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The input graph and overrides of its device set, shared by the commands. */
final class ProblemOptions {

    @Parameters(index = "0", paramLabel = "FILE", description = "Graph to place (placement-json; see docs/input-format.md).")
    Path file;

    @Option(names = {"-k", "--accelerators"}, paramLabel = "K", description = "Number of accelerators (default: the file's maxFPGAs).")
    Integer accelerators;

    @Option(names = {"-l", "--cpus"}, paramLabel = "L", description = "Number of CPU cores (default: the file's maxCPUs).")
    Integer cpus;

    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", converter = ByteSizeConverter.class,
            description = "Memory per accelerator, e.g. 17185374208 or 16GiB (default: the file's maxSizePerFPGA).")
    Double memory;

    PlacementProblem load() {
        PlacementProblem problem = PlacementJsonReader.read(file);
        if (accelerators == null && cpus == null && memory == null) {
            return problem;
        }
        DeviceSet devices = problem.devices();
        int k = accelerators != null ? accelerators : (int) devices.all().stream().filter(Device::isAccelerator).count();
        int l = cpus != null ? cpus : devices.count(DeviceKind.CPU);
        double m = memory != null ? memory : devices.all().stream().filter(Device::isAccelerator)
                .mapToDouble(Device::memoryLimit).findFirst().orElse(Double.POSITIVE_INFINITY);
        if (k < 0 || l < 0) {
            throw new InputException("command line", "device counts must be >= 0");
        }
        if (k + l == 0) {
            throw new InputException("command line", "no devices: -k and -l are both 0");
        }
        return problem.withDevices(DeviceSet.acceleratorsAndCpus(k, m, l));
    }
}
