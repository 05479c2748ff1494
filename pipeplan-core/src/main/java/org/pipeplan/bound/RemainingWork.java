package org.pipeplan.bound;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compute of units not yet placed, as a test of whether it can still fit: the accelerators'
 * room must hold the units' least accelerator time, less what the CPU cores' room can take over
 * (fractionally, the units with the best saving per CPU second first). A relaxation: transfers,
 * memory and the indivisibility of units are ignored.
 */
final class RemainingWork {
    private final double acceleratorWork;
    private final double cpuOnlyWork;
    /** CPU time and saved accelerator time of the movable units, best ratio first, cumulative. */
    private final double[] cpuPrefix;
    private final double[] savedPrefix;

    /**
     * @param units              the units not yet placed
     * @param fastestAccelerator each unit's least time on an accelerator (+infinity where it runs on none)
     * @param fastestCpu         each unit's least time on a CPU core (+infinity where it runs on none)
     */
    RemainingWork(int[] units, double[] fastestAccelerator, double[] fastestCpu) {
        double acc = 0;
        double cpuOnly = 0;
        List<double[]> movable = new ArrayList<>();
        for (int u : units) {
            double bestAcc = fastestAccelerator[u];
            double bestCpu = fastestCpu[u];
            if (Double.isInfinite(bestAcc)) {
                cpuOnly += Double.isInfinite(bestCpu) ? 0 : bestCpu;
            } else {
                acc += bestAcc;
                if (Double.isFinite(bestCpu)) {
                    movable.add(new double[] {bestCpu, bestAcc});
                }
            }
        }
        movable.sort((a, b) -> Double.compare(ratio(b), ratio(a)));
        cpuPrefix = new double[movable.size() + 1];
        savedPrefix = new double[movable.size() + 1];
        for (int i = 0; i < movable.size(); i++) {
            cpuPrefix[i + 1] = cpuPrefix[i] + movable.get(i)[0];
            savedPrefix[i + 1] = savedPrefix[i] + movable.get(i)[1];
        }
        acceleratorWork = acc;
        cpuOnlyWork = cpuOnly;
    }

    private static double ratio(double[] move) {
        return move[0] > 0 ? move[1] / move[0] : Double.POSITIVE_INFINITY;
    }

    /** Whether the work fits under {@code limit} on devices already carrying {@code loads}. */
    boolean fits(double[] loads, boolean[] accelerator, double limit) {
        double accRoom = 0;
        double cpuRoom = 0;
        for (int d = 0; d < loads.length; d++) {
            if (accelerator[d]) {
                accRoom += limit - loads[d];
            } else {
                cpuRoom += limit - loads[d];
            }
        }
        return fits(accRoom, cpuRoom);
    }

    /** Whether the work fits into this much room on the accelerators and on the CPU cores together. */
    boolean fits(double accRoom, double cpuRoom) {
        double room = cpuRoom - cpuOnlyWork;
        if (room < 0) {
            return false;
        }
        return accRoom + saved(room) >= acceleratorWork;
    }

    private double saved(double cpuRoom) {
        int i = Arrays.binarySearch(cpuPrefix, cpuRoom);
        if (i >= 0) {
            return savedPrefix[i];
        }
        int k = -i - 2; // cpuPrefix[k] < room < cpuPrefix[k + 1]
        if (k + 1 >= cpuPrefix.length) {
            return savedPrefix[savedPrefix.length - 1];
        }
        double share = (cpuRoom - cpuPrefix[k]) / (cpuPrefix[k + 1] - cpuPrefix[k]);
        return savedPrefix[k] + share * (savedPrefix[k + 1] - savedPrefix[k]);
    }
}
