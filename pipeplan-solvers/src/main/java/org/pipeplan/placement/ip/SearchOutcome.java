package org.pipeplan.placement.ip;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pipeplan.ortools.Engine;
import org.pipeplan.ortools.EngineStatus;
import org.pipeplan.placement.Placement;

/**
 * What a throughput program's search found: a placement (null if none), its pipeline order, the
 * proven bound, whether the search proved its best plan optimal, and what each engine said when it
 * stopped (empty when the search was interrupted before any engine ended).
 */
record SearchOutcome(Placement placement, List<Integer> pipelineOrder, double bound, boolean proven,
                     Map<Engine, EngineStatus> engines) {

    SearchOutcome {
        pipelineOrder = List.copyOf(pipelineOrder);
        engines = engines.isEmpty() ? Map.of() : new EnumMap<>(engines);
    }

    /** The search proved the plan optimal (or the start, when the placement is null). */
    static SearchOutcome proven(Placement placement, double bound) {
        return new SearchOutcome(placement, List.of(), bound, true, Map.of());
    }

    /** The search was interrupted: nothing beyond the known bound. */
    static SearchOutcome interrupted(double bound) {
        return new SearchOutcome(null, List.of(), bound, false, Map.of());
    }

    /** "CP-SAT FEASIBLE, SCIP FEASIBLE", or "interrupted" when no engine ended. */
    String describe() {
        if (engines.isEmpty()) {
            return proven ? "OPTIMAL" : "interrupted";
        }
        return engines.entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue().name())
                .collect(Collectors.joining(", "));
    }
}
