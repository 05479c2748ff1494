package org.pipeplan.onnx.export;

import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch module a node came from, read from the scope in its ONNX name. The exporter names a
 * node "/features/features.3/conv/conv.1/Conv": one segment per module call, the last being the
 * operator; a segment that extends the previous one ("features" then "features.3") is a child of a
 * container and replaces it. That node's module is "features.3.conv.1".
 */
public final class ModulePath {

    private ModulePath() {
    }

    /** The module's components ("features.3", "conv.1"), empty for a node of the root module or an unscoped name. */
    public static List<String> components(String nodeName) {
        List<String> parts = new ArrayList<>();
        if (!nodeName.startsWith("/")) {
            return parts;
        }
        String[] segments = nodeName.substring(1).split("/");
        for (int i = 0; i < segments.length - 1; i++) { // the last segment is the operator
            String s = segments[i];
            if (s.isEmpty()) {
                continue;
            }
            if (!parts.isEmpty() && s.startsWith(parts.get(parts.size() - 1) + ".")) {
                parts.set(parts.size() - 1, s);
            } else {
                parts.add(s);
            }
        }
        return parts;
    }

    /** The dotted module path ("features.3.conv.1"), "" for the root module. */
    public static String of(String nodeName) {
        return String.join(".", components(nodeName));
    }
}
