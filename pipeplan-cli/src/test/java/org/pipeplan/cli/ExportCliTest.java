package org.pipeplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan of a shared model in its PyTorch modules: the stage count printed is what the split points give. */
class ExportCliTest {

    private static final Path RESNET18 = Cli.root().resolve("../shared/models/resnet18.graph.onnx").normalize();

    @TempDir
    Path dir;

    @Test
    void theExportStatesTheStagesItsSplitPointsGiveAndWhatTheyCost() {
        Assumptions.assumeTrue(Files.isRegularFile(RESNET18), "the shared models are not here");
        Path plan = dir.resolve("plan.json");
        // sixteen GPUs: more stages than the model has blocks at the top level
        Cli.Run p = Cli.run("plan", RESNET18.toString(), "--devices", "v100-16gb:16", "-q", "-o", plan.toString());
        assertEquals(0, p.code(), p.err());
        Cli.Run torch = Cli.run("export", RESNET18.toString(), "--devices", "v100-16gb:16", "--plan", plan.toString(),
                "--format", "torch");
        assertEquals(0, torch.code(), torch.err());
        int points = torch.out().split("SplitPoint.BEGINNING", -1).length - 1;
        Matcher stated = Pattern.compile("# (\\d+) stages").matcher(torch.out());
        assertTrue(stated.find(), torch.out());
        assertEquals(points + 1, Integer.parseInt(stated.group(1)), torch.out());
        assertTrue(torch.err().contains("exported split: " + stated.group(1) + " of the plan's"), torch.err());
        Cli.Run ds = Cli.run("export", RESNET18.toString(), "--devices", "v100-16gb:16", "--plan", plan.toString(),
                "--format", "deepspeed");
        assertEquals(0, ds.code(), ds.err());
        String parts = ds.out().lines().filter(l -> l.startsWith("parts = ")).findFirst().orElseThrow();
        List<Integer> bounds = new ArrayList<>();
        for (String x : parts.replaceAll("[^0-9,]", "").split(",")) {
            bounds.add(Integer.parseInt(x));
        }
        assertEquals(Integer.parseInt(stated.group(1)) + 1, bounds.size(), parts);
        for (int i = 1; i < bounds.size(); i++) {
            assertTrue(bounds.get(i) > bounds.get(i - 1), "an empty stage: " + parts);
        }
    }

    @Test
    void theModelsModuleListLinesThePartsUpWithItsModules() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(RESNET18), "the shared models are not here");
        Path plan = dir.resolve("plan.json");
        assertEquals(0, Cli.run("plan", RESNET18.toString(), "--devices", "v100-16gb:8", "-q", "-o", plan.toString()).code());
        Path modules = dir.resolve("modules.txt");
        // torchvision's resnet18.named_children(): bn1 is folded into conv1 in the graph
        Files.writeString(modules, "conv1\nbn1\nrelu\nmaxpool\nlayer1\nlayer2\nlayer3\nlayer4\navgpool\nfc\n");
        Cli.Run ds = Cli.run("export", RESNET18.toString(), "--devices", "v100-16gb:8", "--plan", plan.toString(),
                "--format", "deepspeed", "--modules", modules.toString());
        assertEquals(0, ds.code(), ds.err());
        assertTrue(ds.out().contains("\"conv1\",\n    \"bn1\",\n    \"relu\","), ds.out());
        assertTrue(ds.err().contains("with the module before them: [bn1]"), ds.err());
        assertTrue(ds.err().contains("exported split: "), ds.err());
        Files.writeString(modules, "conv1\nconv1\n");
        Cli.assertCleanError(Cli.run("export", RESNET18.toString(), "--devices", "v100-16gb:8", "--plan", plan.toString(),
                "--modules", modules.toString()), 1, "line 2: module conv1 is listed twice");
    }

    @Test
    void planningAtModuleGranularityGivesAnExactExport() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(RESNET18), "the shared models are not here");
        Path plan = dir.resolve("plan.json");
        Cli.Run p = Cli.run("plan", RESNET18.toString(), "--devices", "v100-16gb:8", "--granularity", "modules", "-q", "-o",
                plan.toString());
        assertEquals(0, p.code(), p.err());
        Cli.Run json = Cli.run("export", RESNET18.toString(), "--devices", "v100-16gb:8", "--plan", plan.toString());
        assertEquals(0, json.code(), json.err());
        com.fasterxml.jackson.databind.JsonNode split = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertTrue(split.get("exact").asBoolean(), json.out());
        assertEquals(0, split.get("misplacedNodes").asInt());
        assertEquals(split.get("planStages").asInt(), split.get("stages").asInt());
        assertTrue(json.err().contains("(+0.0%)"), json.err());
        Cli.assertCleanError(Cli.run("plan", RESNET18.toString(), "--devices", "v100-16gb:8", "--granularity", "blocks"), 2,
                "--granularity must be operators or modules");
    }
}
