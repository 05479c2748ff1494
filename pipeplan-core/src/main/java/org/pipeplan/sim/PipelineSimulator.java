package org.pipeplan.sim;

import java.util.List;
import org.pipeplan.device.Device;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;

/**
 * A discrete-event simulator of a placement running as a pipeline.
 *
 * <p>Every sample (micro-batch) makes the tasks of {@link SampleTasks}. Resources are the compute
 * engine of every device replica, its link (the engine itself unless transfers overlap), and an
 * optional shared host link. Whenever a resource is free it starts its most urgent ready task: the
 * oldest sample first when streaming; in GPipe all forwards of a mini-batch before its backwards;
 * in 1F1B backwards first, with at most p - i micro-batches in flight at pipeline position i.
 * Training mini-batches end with a flush per device (an all-reduce when it is replicated); the
 * next mini-batch starts when every device is flushed, as a training loop's step does. Replica r of a device takes samples r, r + R, r + 2R...
 *
 * <p>Deterministic: ties are broken by task number. Tensors are held in memory from the end of
 * the task that makes or receives them until every local user is done.
 *
 * <p>The parts: {@link SimulatedTasks} numbers the tasks of a run, {@link ResourceLayout} the
 * resources; a {@link SchedulePolicy} per schedule orders and gates the tasks; the
 * {@link EventLoop} runs them, with a {@link MemoryTracker} and a {@link TraceRecorder} watching;
 * {@link SimulationStatistics} turns the {@link Timeline} into the figures.
 */
public final class PipelineSimulator {

    private PipelineSimulator() {
    }

    /** Simulates a placement; the placement must be feasible in device kinds. */
    public static SimulationResult simulate(PlacementProblem problem, Placement placement, SimulationOptions options) {
        SimulationResult loaded = run(problem, placement, options);
        double alone = options.samples() == 1 && !options.schedule().training() ? loaded.latencyMean()
                : run(problem, placement, options.schedule().training()
                        ? options.withMicroBatches(1).withMiniBatches(1)
                        : options.withMicroBatches(1)).latencyMean();
        return new SimulationResult(options, loaded.throughput(), loaded.analyticThroughput(), alone,
                loaded.latencyMean(), loaded.latencyP95(), loaded.bubbleFraction(), loaded.windowStart(),
                loaded.windowEnd(), loaded.makespan(), loaded.devices(), loaded.lanes(), loaded.trace(),
                loaded.traceComplete(), loaded.note());
    }

    /** One run with the options as they are (its latencyAlone is its loaded latency). */
    private static SimulationResult run(PlacementProblem problem, Placement placement, SimulationOptions options) {
        List<Device> devices = problem.devices().all();
        if (placement.nodeCount() != problem.graph().size() || placement.deviceCount() != devices.size()) {
            throw new IllegalArgumentException("placement of " + placement.nodeCount() + " nodes on "
                    + placement.deviceCount() + " devices does not fit " + problem.name());
        }
        if (options.replicas() != null && options.replicas().length != devices.size()) {
            throw new IllegalArgumentException("replicas given for " + options.replicas().length + " of "
                    + devices.size() + " devices");
        }
        // the placement in the max-load model: its loads and its pipeline order
        Evaluation loads = MaxLoadEvaluator.evaluate(problem, placement);
        SampleTasks template = SampleTasks.of(problem, placement, options.linkLatency());
        ResourceLayout resources = ResourceLayout.of(devices, options);
        SimulatedTasks tasks = new SimulatedTasks(template, problem, placement, options);
        SchedulePolicy policy = SchedulePolicy.of(options, tasks, resources, problem.graph(), loads);
        MemoryTracker memory = new MemoryTracker(tasks, resources.count());
        TraceRecorder trace = new TraceRecorder(resources.count());
        Timeline timeline = new EventLoop(tasks, resources, policy, memory, trace).run();
        return SimulationStatistics.of(options, devices, loads, tasks, resources, memory, trace, timeline, policy.note());
    }
}
