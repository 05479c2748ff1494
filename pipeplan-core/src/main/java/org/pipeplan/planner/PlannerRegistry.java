package org.pipeplan.planner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The planners of one family, found by name among those registered with {@link ServiceLoader}:
 * a module adds a planner by putting its class name in
 * {@code META-INF/services/<the family's planner interface>}. Planners are stateless and cheap to
 * make (heavy set-up belongs in their solve method), so they are loaded afresh on every lookup.
 *
 * @param <T> the family's planner interface
 */
public final class PlannerRegistry<T extends Planner> {

    private final Class<T> type;
    private final String noun;

    /**
     * @param type the family's planner interface
     * @param noun what one planner is called in messages ("solver", "cluster planner")
     */
    public PlannerRegistry(Class<T> type, String noun) {
        this.type = type;
        this.noun = noun;
    }

    /** Every registered planner, by name, in registration (class path) order; the first of a name wins. */
    public Map<String, T> all() {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T planner : ServiceLoader.load(type)) {
            byName.putIfAbsent(planner.name(), planner);
        }
        return byName;
    }

    public List<String> names() {
        return new ArrayList<>(all().keySet());
    }

    /** The planner of this name, if one is registered. */
    public Optional<T> find(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** The planner of this name; the exception lists the known names. */
    public T byName(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown " + noun + " '" + name + "'; known "
                + noun + "s: " + String.join(", ", names())));
    }
}
