package org.pipeplan.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts DJL's PyTorch engine the way pipeplan needs it: offline (the native library comes from
 * the pytorch-native-cpu jar, unpacked once into DJL_CACHE_DIR), one intra-op and one inter-op
 * thread, so results and timings are repeatable.
 */
public final class Torch {

    private static boolean configured;

    private Torch() {
    }

    public static synchronized NDManager newManager() {
        if (!configured) {
            setIfAbsent("ai.djl.offline", "true");
            setIfAbsent("ai.djl.pytorch.num_threads", "1");
            setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
            setIfAbsent("ai.djl.default_engine", "PyTorch");
            configured = true;
        }
        return NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
