package org.pipeplan.cli.options;

import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.sim.Schedule;
import org.pipeplan.sim.SimulationOptions;
import picocli.CommandLine.Option;

/** Options of the pipeline simulator, shared by simulate and report. */
public final class SimulationSettings {

    @Option(names = "--schedule", paramLabel = "S",
            description = "streaming (inference), gpipe or 1f1b (training) (default: gpipe for training graphs, else streaming).")
    String schedule;

    @Option(names = "--micro-batches", paramLabel = "M",
            description = "Training: micro-batches per mini-batch (default: 8); streaming: samples simulated (default: 256).")
    Integer microBatches;

    @Option(names = "--mini-batches", paramLabel = "B", defaultValue = "3",
            description = "Training: mini-batches simulated; the last is measured (default: ${DEFAULT-VALUE}).")
    int miniBatches;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "0",
            description = "Streaming: most samples in the pipeline at once (default: two per device used, at least 4).")
    int inFlight;

    @Option(names = "--overlap-transfers",
            description = "Links move tensors while the device computes (the cost model assumes they do not).")
    boolean overlap;

    @Option(names = "--shared-link",
            description = "All accelerators' transfers share one host link, one at a time (devices behind one switch).")
    boolean sharedLink;

    @Option(names = "--link-latency", paramLabel = "T", defaultValue = "0",
            description = "Part of every transfer time that is latency: the link is busy only for the rest (default: ${DEFAULT-VALUE}).")
    double linkLatency;

    @Option(names = "--replicate", paramLabel = "DEVICE=R", split = ",",
            description = "Run R copies of a device that take samples in turn, e.g. acc1=2.")
    List<String> replicate;

    @Option(names = "--allreduce-per-byte", paramLabel = "T", defaultValue = "0",
            description = "Training with replicas: time per byte of the gradient all-reduce step (default: ${DEFAULT-VALUE}).")
    double allReducePerByte;

    /** Most samples (micro-batches times mini-batches) one simulation steps through. */
    static final long MAX_SAMPLES = 1_000_000;
    /** Most operator runs one simulation schedules (samples times operators): a few seconds of work. */
    static final long MAX_EVENTS = 200_000_000;
    /** Most copies of a device. */
    static final int MAX_REPLICAS = 1024;

    private void check(PlacementProblem problem, Schedule chosen) {
        long samples = OptionChecks.range("--micro-batches", microBatches == null ? 1 : microBatches, 1, MAX_SAMPLES);
        if (chosen.training()) {
            samples *= OptionChecks.range("--mini-batches", miniBatches, 1, MAX_SAMPLES);
        }
        if (samples > MAX_SAMPLES) {
            throw new UsageError("--micro-batches times --mini-batches must be at most " + MAX_SAMPLES + ", got " + samples);
        }
        long operators = problem.graph().size();
        if (samples * operators > MAX_EVENTS) {
            throw new UsageError(samples + " samples of " + operators + " operators are more than the simulator steps "
                    + "through in one run (" + MAX_EVENTS + " operator runs): lower --micro-batches or --mini-batches");
        }
        OptionChecks.range("--in-flight", inFlight, 0, (int) MAX_SAMPLES);
        OptionChecks.finite("--link-latency", linkLatency, 0, Double.MAX_VALUE);
        OptionChecks.finite("--allreduce-per-byte", allReducePerByte, 0, Double.MAX_VALUE);
    }

    public SimulationOptions options(PlacementProblem problem) {
        Schedule chosen = schedule != null ? Schedule.parse(schedule)
                : problem.graph().hasBackward() ? Schedule.GPIPE : Schedule.STREAMING;
        if (chosen.training() && !problem.graph().hasBackward()) {
            throw new IllegalArgumentException("--schedule " + chosen.label() + " needs a training graph (with backward nodes)");
        }
        SimulationOptions o = SimulationOptions.defaults(chosen);
        check(problem, chosen);
        if (microBatches != null) {
            o = o.withMicroBatches(microBatches);
        }
        o = o.withMiniBatches(miniBatches).withInFlight(inFlight).withOverlapTransfers(overlap).withSharedLink(sharedLink)
                .withLinkLatency(linkLatency).withAllReducePerByte(allReducePerByte);
        if (replicate != null && !replicate.isEmpty()) {
            int[] copies = new int[problem.devices().size()];
            java.util.Arrays.fill(copies, 1);
            for (String item : replicate) {
                int eq = item.indexOf('=');
                Device d = eq < 0 ? null : problem.devices().byName(item.substring(0, eq).trim());
                if (d == null) {
                    throw new IllegalArgumentException("--replicate " + item + ": expected DEVICE=R with a device of "
                            + problem.name() + " (" + problem.devices() + ")");
                }
                try {
                    copies[d.index()] = Integer.parseInt(item.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw new UsageError("--replicate " + item + ": R must be a whole number");
                }
                OptionChecks.range("--replicate " + d.name(), copies[d.index()], 1, MAX_REPLICAS);
            }
            o = o.withReplicas(copies);
        }
        return o;
    }
}
