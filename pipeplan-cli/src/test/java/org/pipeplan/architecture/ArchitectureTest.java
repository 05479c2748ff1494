package org.pipeplan.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pipeplan.cluster.ClusterPlanner;
import org.pipeplan.cluster.ClusterPlanners;
import org.pipeplan.edgetpu.EdgeTpuScheduler;
import org.pipeplan.edgetpu.EdgeTpuSchedulers;
import org.pipeplan.placement.PlacementSolver;
import org.pipeplan.placement.PlacementSolvers;
import org.pipeplan.planner.Planner;

/**
 * The structure docs/architecture.md describes, checked on the compiled classes of every module:
 * no package depends on itself through others, and every planner class of a family is registered
 * with the family's {@link java.util.ServiceLoader} file, so that the command line finds it by name.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // main classes only: test classes (and the modules' test jars) may use any package
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")).importPackages("org.pipeplan");
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.pipeplan.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noCyclesBetweenTheTopLevelPackages() {
        // families (placement, cluster, edgetpu) and shared layers (graph, device, units, bound,
        // planner, sim...) with everything below them: a family may use a layer, never the reverse
        slices().matching("org.pipeplan.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPlannerClassIsRegisteredWithItsFamily() {
        assertEquals(planners(PlacementSolver.class), new TreeSet<>(names(PlacementSolvers.all().values())));
        assertEquals(planners(ClusterPlanner.class), new TreeSet<>(names(ClusterPlanners.all().values())));
        assertEquals(planners(EdgeTpuScheduler.class), new TreeSet<>(names(EdgeTpuSchedulers.all().values())));
    }

    @Test
    void theRegistriesListTheBundledPlannersInClassPathOrder() {
        assertEquals(List.of("dp", "linear", "pipedream", "single", "local-search", "greedy-latency", "ip", "ip-contig", "latency"),
                PlacementSolvers.names());
        assertEquals(List.of("parallel", "pipeline-gpus", "dqn"), ClusterPlanners.names());
        assertEquals(List.of("compiler", "order", "exact", "learned", "best"), EdgeTpuSchedulers.names());
    }

    /** Concrete public classes that implement a family's planner interface. */
    private static Set<String> planners(Class<?> family) {
        Set<String> found = new TreeSet<>();
        for (JavaClass c : classes) {
            if (c.isAssignableTo(family) && !c.isInterface() && c.getModifiers().contains(JavaModifier.PUBLIC)
                    && !c.getModifiers().contains(JavaModifier.ABSTRACT)) {
                found.add(c.getName());
            }
        }
        return found;
    }

    private static List<String> names(java.util.Collection<? extends Planner> planners) {
        return planners.stream().map(p -> p.getClass().getName()).toList();
    }
}
