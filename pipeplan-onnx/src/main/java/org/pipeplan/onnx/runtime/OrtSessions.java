package org.pipeplan.onnx.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.util.Locale;

/**
 * Creates ONNX Runtime sessions the way measurements need them: a fixed number of intra-op
 * threads, sequential execution, and a chosen graph optimisation level ("none" keeps every node
 * as the planner sees it, so profiled names match).
 */
public final class OrtSessions {

    /** Graph optimisation levels, as users name them. */
    public enum Optimization {
        NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
        BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
        EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
        ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

        final OrtSession.SessionOptions.OptLevel level;

        Optimization(OrtSession.SessionOptions.OptLevel level) {
            this.level = level;
        }

        public static Optimization parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown graph optimisation '" + text + "' (none, basic, extended or all)");
            }
        }
    }

    private OrtSessions() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "pipeplan");
    }

    public static OrtSession.SessionOptions options(int threads, Optimization optimization) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(optimization.level);
        o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        if (threads == 1) {
            o.addConfigEntry("session.intra_op.allow_spinning", "0"); // an idle stage must not steal its neighbour's core
        }
        return o;
    }

    public static OrtSession create(ModelProto model, OrtSession.SessionOptions options) throws OrtException {
        return environment().createSession(model.toByteArray(), options);
    }

    /** One session per stage, all with the same threads and optimisation level. */
    public static java.util.List<OrtSession> forStages(java.util.List<org.pipeplan.onnx.stage.StageModel> stages, int threads,
                                                      Optimization optimization) throws OrtException {
        java.util.List<OrtSession> sessions = new java.util.ArrayList<>();
        try (OrtSession.SessionOptions options = options(threads, optimization)) {
            for (var s : stages) {
                sessions.add(create(s.proto(), options));
            }
        } catch (OrtException | RuntimeException e) {
            closeAll(sessions);
            throw e;
        }
        return sessions;
    }

    /** Closes every session, the first failure reported after all are closed. */
    public static void closeAll(java.util.List<OrtSession> sessions) throws OrtException {
        OrtException first = null;
        for (OrtSession s : sessions) {
            try {
                s.close();
            } catch (OrtException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
