package org.pipeplan.cluster.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decisions of a training plan the user fixes (`--fix tp=8,pp=16,v=2,micro-batch=1,zero=1,
 * recompute=selective`); the search then covers only the rest. A null component is free. With
 * all of them fixed the planners evaluate exactly that plan (with its best layer split).
 *
 * @param tensor           t
 * @param pipeline         p
 * @param data             d
 * @param virtualStages    v
 * @param microBatch       b
 * @param schedule         the pipeline schedule
 * @param zeroStage        ZeRO stage
 * @param recomputation    recomputation
 * @param sequenceParallel sequence parallelism
 */
public record TrainingFix(Integer tensor, Integer pipeline, Integer data, Integer virtualStages, Integer microBatch,
                          PipelineSchedule schedule, Integer zeroStage, Recomputation recomputation, Boolean sequenceParallel) {

    /** The keys {@link #parse} reads, with their aliases. */
    static final List<String> KEYS = List.of("tp", "pp", "dp", "v", "micro-batch", "schedule", "zero", "recompute", "sp");

    /** Nothing fixed. */
    public static TrainingFix none() {
        return new TrainingFix(null, null, null, null, null, null, null, null, null);
    }

    /** Whether the setup agrees with every fixed decision. */
    public boolean admits(TrainingSetup s) {
        return matches(tensor, s.tensor()) && matches(pipeline, s.pipeline()) && matches(data, s.data())
                && matches(virtualStages, s.virtualStages()) && matches(microBatch, s.microBatch())
                && (schedule == null || schedule == s.schedule()) && matches(zeroStage, s.zeroStage())
                && (recomputation == null || recomputation == s.recomputation())
                && (sequenceParallel == null || sequenceParallel == s.sequenceParallel());
    }

    private static boolean matches(Integer fixed, int value) {
        return fixed == null || fixed == value;
    }

    /** Whether nothing is fixed. */
    public boolean isEmpty() {
        return equals(none());
    }

    /**
     * Reads {@code KEY=VALUE,...} with keys tp, pp, dp, v, micro-batch (or mb), schedule (gpipe,
     * 1f1b, interleaved), zero (0-3), recompute (none, selective, full) and sp (on/off,
     * true/false). An error names the key and what is wrong.
     */
    public static TrainingFix parse(String text) {
        Objects.requireNonNull(text, "text");
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--fix: '" + p + "' is not KEY=VALUE (keys: " + String.join(", ", KEYS) + ")");
            }
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (key.equals("mb") || key.equals("micro_batch") || key.equals("microbatch")) {
                key = "micro-batch";
            }
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("--fix: unknown key '" + key + "' (keys: " + String.join(", ", KEYS) + ")");
            }
            if (values.put(key, p.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("--fix: key '" + key + "' given twice");
            }
        }
        Integer zero = number(values, "zero");
        if (zero != null && zero > 3) {
            throw new IllegalArgumentException("--fix: zero must be 0, 1, 2 or 3, got " + zero);
        }
        PipelineSchedule schedule = null;
        if (values.containsKey("schedule")) {
            try {
                schedule = PipelineSchedule.parse(values.get("schedule"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fix: " + e.getMessage());
            }
        }
        Recomputation recompute = null;
        if (values.containsKey("recompute")) {
            try {
                recompute = Recomputation.parse(values.get("recompute"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fix: " + e.getMessage());
            }
        }
        Boolean sp = null;
        if (values.containsKey("sp")) {
            sp = switch (values.get("sp").toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new IllegalArgumentException("--fix: sp must be on or off, got '" + values.get("sp") + "'");
            };
        }
        Integer v = positive(values, "v");
        if (v != null && schedule != null && (v > 1) != (schedule == PipelineSchedule.INTERLEAVED)) {
            throw new IllegalArgumentException("--fix: v > 1 goes with schedule=interleaved, and only it");
        }
        return new TrainingFix(positive(values, "tp"), positive(values, "pp"), positive(values, "dp"), v,
                positive(values, "micro-batch"), schedule, zero, recompute, sp);
    }

    private static Integer positive(Map<String, String> values, String key) {
        Integer n = number(values, key);
        if (n != null && n < 1) {
            throw new IllegalArgumentException("--fix: " + key + " must be >= 1, got " + n);
        }
        return n;
    }

    private static Integer number(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fix: " + key + " must be a whole number >= 0, got '" + v + "'");
        }
    }

    /** The fixed decisions in the form {@link #parse} reads, or "" when none. */
    public String text() {
        StringBuilder b = new StringBuilder();
        append(b, "tp", tensor);
        append(b, "pp", pipeline);
        append(b, "dp", data);
        append(b, "v", virtualStages);
        append(b, "micro-batch", microBatch);
        append(b, "schedule", schedule == null ? null : schedule.label());
        append(b, "zero", zeroStage);
        append(b, "recompute", recomputation == null ? null : recomputation.label());
        append(b, "sp", sequenceParallel == null ? null : sequenceParallel ? "on" : "off");
        return b.toString();
    }

    private static void append(StringBuilder b, String key, Object value) {
        if (value != null) {
            b.append(b.length() == 0 ? "" : ",").append(key).append('=').append(value);
        }
    }
}
