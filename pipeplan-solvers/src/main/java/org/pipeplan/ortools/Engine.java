package org.pipeplan.ortools;

/** The search engines of OR-Tools that pipeplan runs, by the name messages give them. */
public enum Engine {
    CP_SAT("CP-SAT"),
    SCIP("SCIP");

    private final String label;

    Engine(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
