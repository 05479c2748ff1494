package org.pipeplan.ortools;

import com.google.ortools.Loader;

/** Loads OR-Tools' native libraries once per process. */
public final class CpSatRuntime {

    private static boolean loaded;

    private CpSatRuntime() {
    }

    public static synchronized void load() {
        if (!loaded) {
            Loader.loadNativeLibraries();
            loaded = true;
        }
    }
}
