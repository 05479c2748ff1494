package org.pipeplan.cluster.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterOptions;
import org.pipeplan.cluster.ClusterProblem;
import org.pipeplan.cluster.GpuCluster;
import org.pipeplan.cluster.training.Recomputation;
import org.pipeplan.cluster.training.TrainingEvaluation;
import org.pipeplan.cluster.training.TrainingFix;
import org.pipeplan.cluster.training.TrainingPlan;
import org.pipeplan.cluster.training.TrainingPlans;
import org.pipeplan.cluster.training.TrainingProblem;
import org.pipeplan.cluster.training.TrainingSpace;
import org.pipeplan.cluster.training.TrainingWorkload;
import org.pipeplan.device.DeviceSpec;
import org.pipeplan.device.DeviceType;
import org.pipeplan.device.Topology;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.DeviceFileReader;
import org.pipeplan.planner.Deadline;
import org.pipeplan.planner.PlanStatus;
import org.pipeplan.planner.ProgressListener;
import org.pipeplan.planner.RunSettings;
import org.pipeplan.transformer.TransformerGraph;
import org.pipeplan.transformer.TransformerSpec;

class TrainingDqnSearchTest {

    private static final String MODEL = "gpt:layers=8,hidden=512,heads=8,seq=512,vocab=8192";
    private static final int GPUS = 16;
    private static final int GLOBAL_BATCH = 64;

    /** A small GPT on 16 A100-80GB in nodes of 8, as `pipeplan plan --model ... --devices a100-80gb:16 --training` builds it. */
    private static TrainingProblem gpt(TrainingFix fix, double memory) {
        TransformerSpec spec = TransformerSpec.parse(MODEL);
        DeviceSpec devices = DeviceSpec.parse("a100-80gb:" + GPUS, DeviceFileReader.bundledCatalog(), Topology.HOST);
        PlacementProblem placement = new PlacementProblem(spec.name(), TransformerGraph.build(spec, true, devices),
                devices.deviceSet());
        DeviceType type = devices.types().stream().filter(t -> !t.host()).findFirst().orElseThrow();
        GpuCluster cluster = GpuCluster.of(type, GPUS, 8, memory > 0 ? memory : type.memoryBytes(), 25e9);
        ClusterProblem problem = new ClusterProblem(placement, cluster, GLOBAL_BATCH);
        return new TrainingProblem(new TrainingWorkload(problem), GLOBAL_BATCH, spec.seq(), fix, MODEL);
    }

    private static TrainingPlan exact(TrainingProblem p) {
        return TrainingPlans.exact(p, TrainingSpace.FULL, Deadline.none(), "parallel");
    }

    private static TrainingPlan dqn(TrainingProblem p, int episodes, long seed) {
        return TrainingDqnSearch.search(p, TrainingSpace.FULL, DqnSettings.defaults().withEpisodes(episodes).withSeed(seed),
                ProgressListener.NONE, null).plan();
    }

    /** The plan re-evaluates to its own value, is never better than the exact optimum and is close to it. */
    private static void assertNearOptimal(TrainingProblem p, TrainingPlan plan, TrainingPlan exact) {
        assertEquals(PlanStatus.FEASIBLE, plan.status(), plan.note());
        assertEquals("dqn", plan.solver());
        assertTrue(plan.evaluation().feasible(), plan.evaluation().problems().toString());
        TrainingEvaluation again = p.cost(plan.setup()).evaluate(plan.boundaries());
        assertTrue(again.feasible(), again.problems().toString());
        assertEquals(plan.iterationMs(), again.iterationMs(), 1e-9 * again.iterationMs());
        assertTrue(plan.iterationMs() >= exact.iterationMs() * (1 - 1e-12), "never better than the exact optimum");
        assertTrue(plan.iterationMs() <= 1.03 * exact.iterationMs(),
                "dqn " + plan.setup() + " " + plan.iterationMs() + " ms against " + exact.setup() + " " + exact.iterationMs());
        assertTrue(plan.bound() <= exact.iterationMs() * (1 + 1e-12), "a valid lower bound");
        assertTrue(plan.bound() > 0);
    }

    @Test
    void thePlannerFindsANearOptimalPlanThatReEvaluatesToItsValue() {
        TrainingProblem p = gpt(TrainingFix.none(), 0);
        ClusterOptions options = ClusterOptions.defaults().withEpisodes(300).withRun(RunSettings.defaults().withSeed(1));
        TrainingPlan plan = new DqnPlanner().plan(p, options);
        TrainingPlan exact = exact(p);
        assertEquals(PlanStatus.OPTIMAL, exact.status());
        assertNearOptimal(p, plan, exact);
        assertTrue(plan.note().startsWith("300 episodes, "), plan.note());
        assertTrue(plan.note().contains("shapes of " + TrainingSpace.FULL.description() + " priced"), plan.note());
    }

    @Test
    void respectsTheFixedDecisions() {
        TrainingFix fix = TrainingFix.parse("tp=2,recompute=full");
        TrainingProblem p = gpt(fix, 0);
        TrainingPlan plan = dqn(p, 200, 3);
        assertEquals(2, plan.setup().tensor());
        assertEquals(Recomputation.FULL, plan.setup().recomputation());
        assertTrue(fix.admits(plan.setup()));
        assertNearOptimal(p, plan, exact(p));
    }

    @Test
    void withEveryDecisionFixedItPricesThatShape() {
        TrainingFix fix = TrainingFix.parse("tp=2,pp=2,dp=4,v=1,micro-batch=2,schedule=1f1b,zero=1,recompute=selective,sp=on");
        TrainingProblem p = gpt(fix, 0);
        TrainingDqnSearch.Result r = TrainingDqnSearch.search(p, TrainingSpace.FULL, DqnSettings.defaults().withEpisodes(50),
                ProgressListener.NONE, null);
        TrainingPlan exact = exact(p);
        assertEquals(exact.setup(), r.plan().setup());
        assertEquals(exact.iterationMs(), r.plan().iterationMs(), 1e-9 * exact.iterationMs());
        assertEquals(1, r.priced());
        assertEquals(0, r.updates());
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        TrainingProblem p = gpt(TrainingFix.none(), 0);
        TrainingPlan a = dqn(p, 120, 5);
        TrainingPlan b = dqn(p, 120, 5);
        assertEquals(a.setup(), b.setup());
        assertArrayEquals(a.boundaries(), b.boundaries());
        assertEquals(a.iterationMs(), b.iterationMs());
        assertEquals(a.bound(), b.bound());
        assertEquals(a.note(), b.note());
    }

    @Test
    void saysWhyWhenNothingFits() {
        TrainingProblem p = gpt(TrainingFix.none(), 1e6);
        TrainingPlan plan = dqn(p, 20, 1);
        assertEquals(PlanStatus.INFEASIBLE, plan.status());
        assertEquals("dqn", plan.solver());
        assertTrue(plan.note().contains("fits in"), plan.note());
        assertEquals(PlanStatus.INFEASIBLE, exact(p).status());
    }
}
