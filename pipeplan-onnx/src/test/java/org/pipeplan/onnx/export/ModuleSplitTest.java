package org.pipeplan.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan in the model's modules: never more stages than the split points give, never an empty one. */
class ModuleSplitTest {

    /** Two top-level blocks of three operators each and a head: a plan of four stages cuts inside them. */
    private static final List<String> NODES = List.of("/block1/conv/Conv", "/block1/relu/Relu", "/block1/pool/MaxPool",
            "/block2/conv/Conv", "/block2/relu/Relu", "/block2/pool/MaxPool", "/head/Gemm");

    @Test
    void aPlanWithMoreStagesThanModulesExportsTheStagesItCan() {
        // 4 stages; block1 mostly on 0, block2 mostly on 2, head on 3: stage 1 holds no module of its own
        int[] stage = {0, 0, 1, 2, 2, 3, 3};
        ModuleSplit split = ModuleSplit.of(NODES, stage);
        assertEquals(List.of("block1", "block2", "head"), split.layers());
        assertEquals(4, split.planStages());
        assertEquals(3, split.stages());
        assertEquals(List.of(0, 1, 2), split.layerStage());
        assertEquals(List.of(0, 1, 2, 3), split.deepspeedParts()); // no empty stage
        assertEquals(2, split.torchSplitSpec().size());                // 2 split points: 3 stages
        assertTrue(split.torchSnippet().contains("# 3 stages"), split.torchSnippet());
        assertTrue(split.notes().stream().anyMatch(n -> n.contains("the plan's 4 stages become 3")), split.notes().toString());
        // every node runs on its module's stage of the plan
        assertArrayEquals(new int[] {0, 0, 0, 2, 2, 2, 3}, split.nodePlanStage());
    }

    @Test
    void aModuleThatWouldGoBackToAnEarlierStageStaysWithTheOneBeforeIt() {
        int[] stage = {1, 1, 1, 0, 0, 0, 1};
        ModuleSplit split = ModuleSplit.of(NODES, stage);
        // block2 cannot run before block1: it stays on block1's stage, and the head with them
        assertEquals(List.of(0, 0, 0), split.layerStage());
        assertEquals(1, split.stages());
        assertEquals(List.of(0, 3), split.deepspeedParts());
        assertTrue(split.notes().stream().anyMatch(n -> n.contains("split points cannot express")), split.notes().toString());
    }

    @Test
    void anExactSplitKeepsEveryStage() {
        int[] stage = {0, 0, 0, 1, 1, 1, 1};
        ModuleSplit split = ModuleSplit.of(NODES, stage);
        assertTrue(split.exact());
        assertEquals(2, split.stages());
        assertEquals(List.of(0, 1, 3), split.deepspeedParts());
    }

    @Test
    void theModelsOwnModuleListIsIndexedModulesWithoutNodesIncluded() {
        // block1's norm is folded into its conv (no node of its own), a dropout has none either
        List<String> modules = List.of("block1", "norm1", "block2", "dropout", "head");
        int[] stage = {0, 0, 0, 1, 1, 1, 2};
        ModuleSplit split = ModuleSplit.of(NODES, stage).alignedTo(modules);
        assertEquals(modules, split.layers());
        assertEquals(List.of(0, 0, 1, 1, 2), split.layerStage());
        assertEquals(List.of(0, 2, 4, 5), split.deepspeedParts());
        assertEquals(3, split.stages());
        assertTrue(split.notes().stream().anyMatch(n -> n.contains("[norm1, dropout]")), split.notes().toString());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2}, split.nodePlanStage());
    }

    @Test
    void aListedModuleThatSpansStagesTakesItsNodesWithIt() {
        // the list is coarser than the graph's layers: "blocks" holds both blocks
        List<String> nodes = List.of("/blocks/blocks.0/Conv", "/blocks/blocks.0/Relu", "/blocks/blocks.1/Conv",
                "/blocks/blocks.1/Relu", "/head/Gemm");
        int[] stage = {0, 0, 1, 1, 1};
        ModuleSplit split = ModuleSplit.of(nodes, stage).alignedTo(List.of("blocks", "head"));
        assertEquals(List.of("blocks", "head"), split.layers());
        assertTrue(split.notes().stream().anyMatch(n -> n.contains("module blocks spans stages")), split.notes().toString());
        // every node of "blocks" runs on its stage in the export
        int blocks = split.nodePlanStage()[0];
        for (int i = 0; i < 4; i++) {
            assertEquals(blocks, split.nodePlanStage()[i]);
        }
        assertTrue(split.misplacedNodes() >= 2);
    }
}
