package org.pipeplan.placement.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pipeplan.graph.PlacementProblem;
import org.pipeplan.io.InputException;
import org.pipeplan.io.PlacementJsonReader;
import org.pipeplan.placement.Placement;
import org.pipeplan.placement.PlacementOptions;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.placement.Plan;
import org.pipeplan.placement.evaluate.Evaluation;
import org.pipeplan.placement.evaluate.MaxLoadEvaluator;
import org.pipeplan.placement.evaluate.PlanEvaluation;
import org.pipeplan.testing.TestData;

class PlanFileTest {

    @TempDir
    Path dir;

    private final PlacementProblem training = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_training.json"));

    @Test
    void everySolversPlanSurvivesARoundTrip() throws Exception {
        for (String name : PlacementSolvers.names()) {
            Plan plan = PlacementSolvers.byName(name).solve(training, PlacementOptions.defaults());
            PlanEvaluation planEvaluation = PlanEvaluation.of(training, plan.placement());
            Evaluation evaluation = planEvaluation.loads();
            Path file = dir.resolve(name + ".json");
            PlanJsonWriter.write(file, plan, training, planEvaluation);
            Placement back = PlanFileReader.read(file, training);
            assertEquals(plan.placement(), back, name);
            assertEquals(evaluation.maxLoad(), MaxLoadEvaluator.evaluate(training, back).maxLoad(), 0.0);
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            assertEquals("pipeplan-plan", json.get("format").asText());
            assertEquals(1, json.get("version").asInt());
            assertEquals(evaluation.maxLoad(), json.get("maxLoad").asDouble(), 0.0);
            assertEquals(training.devices().size(), json.get("devices").size());
        }
    }

    @Test
    void anInferenceSplitExtendsToTheTrainingGraphByColocation() {
        Placement p = PlanFileReader.read(TestData.fixture("human-experts/bert24_inference_expert.json"), training);
        Evaluation e = MaxLoadEvaluator.evaluate(training, p);
        assertEquals(49.40490625, e.maxLoad(), 1e-12);
        assertTrue(e.feasible());
    }

    private InputException bad(String text) {
        Path file = TestData.write(dir, "plan.json", text);
        InputException e = assertThrows(InputException.class, () -> PlanFileReader.read(file, training));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e;
    }

    @Test
    void badPlansAreRejectedWithTheReason() {
        String head = "{\"format\": \"pipeplan-plan\", \"version\": 1, \"devices\": [";
        assertTrue(bad(head + "{\"name\": \"gpu9\", \"nodes\": [1]}]}").getMessage()
                .contains("the problem has no device named 'gpu9'"));
        assertTrue(bad(head + "{\"name\": \"acc0\", \"nodes\": [999]}]}").getMessage()
                .contains("device acc0: node 999 is not in the graph"));
        assertTrue(bad(head + "{\"name\": \"acc0\", \"nodes\": [1]}, {\"name\": \"acc1\", \"nodes\": [1]}]}")
                .getMessage().contains("node 1 is placed twice"));
        assertTrue(bad(head + "{\"name\": \"acc0\", \"nodes\": [1]}]}").getMessage()
                .contains("is not placed, and no node of its colocation class is"));
        assertTrue(bad("{\"format\": \"pipeplan-plan\", \"version\": 2, \"devices\": []}").getMessage()
                .contains("plan format version 2 is not supported"));
        assertTrue(bad("{\"format\": \"other\", \"version\": 1, \"devices\": []}").getMessage()
                .contains("'format' must be \"pipeplan-plan\""));
        assertTrue(bad("{\"hello\": 1}").getMessage().contains("not a plan"));
        assertTrue(bad("{\"fpgas\": [{\"nodes\": [1]}, {\"nodes\": [2]}, {\"nodes\": [3]}, {\"nodes\": [4]},"
                + " {\"nodes\": [5]}, {\"nodes\": [6]}, {\"nodes\": [7]}]}").getMessage()
                .contains("fpgas[6]: the split uses 7 fpgas lists but the problem has only 6 accelerators"));
        assertTrue(bad("{\"fpgas\": [{\"nodes\": [\"x\"]}]}").getMessage().contains("'nodes' must be a number"));
    }

    /** Plans written by pipeplan before the redesign into planning families (format version 1). */
    @Test
    void plansWrittenBeforeStillLoadWithTheirEvaluation() throws Exception {
        PlacementProblem inference = PlacementJsonReader.read(TestData.fixture("LayerGraphs/bert24_inference.json"));
        PlacementProblem latency = PlacementJsonReader.read(TestData.fixture("latency/LayerGraphs/bert24_inference.json"));
        Object[][] cases = {
            {training, "plans-v1/bert24_training.dp.json"},
            {inference, "plans-v1/bert24_inference.local-search.json"},
            {latency, "plans-v1/bert24_inference.latency.json"},
        };
        for (Object[] c : cases) {
            PlacementProblem problem = (PlacementProblem) c[0];
            Path file = TestData.fixture((String) c[1]);
            JsonNode written = new ObjectMapper().readTree(file.toFile());
            Placement placement = PlanFileReader.read(file, problem);
            PlanEvaluation e = PlanEvaluation.of(problem, placement);
            assertEquals(written.get("maxLoad").asDouble(), e.loads().maxLoad(), 0, file.toString());
            assertEquals(written.get("latency").asDouble(), e.latency().latency(), 0, file.toString());
            assertEquals(written.get("contiguous").asBoolean(), e.loads().contiguity().contiguous(), file.toString());
            assertEquals(written.get("feasible").asBoolean(), e.feasible(), file.toString());
            boolean pieces = false;
            for (JsonNode d : written.get("devices")) {
                pieces |= d.has("pieces");
            }
            assertEquals(pieces, placement.hasPieces(), file.toString());
        }
    }
}
