package org.pipeplan.solver.ip;

import com.google.ortools.Loader;

/** Loads OR-Tools' native libraries once per process. */
final class CpSatRuntime {

    private static boolean loaded;

    private CpSatRuntime() {
    }

    static synchronized void load() {
        if (!loaded) {
            Loader.loadNativeLibraries();
            loaded = true;
        }
    }
}
