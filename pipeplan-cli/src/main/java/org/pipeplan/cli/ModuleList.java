package org.pipeplan.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pipeplan.io.InputException;

/** A model's module list for exports: one module name per line; blank lines and # comments skipped. */
final class ModuleList {

    /** More modules than this is not a module list. */
    static final int MAX_MODULES = 100_000;

    private ModuleList() {
    }

    static List<String> read(Path file) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new InputException(file, "no such file");
            }
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + e.getMessage());
        }
        List<String> modules = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9_.\\-]+")) {
                throw new InputException(file, "line " + (i + 1) + ": '" + name + "' is not a module name");
            }
            if (!seen.add(name)) {
                throw new InputException(file, "line " + (i + 1) + ": module " + name + " is listed twice");
            }
            modules.add(name);
            if (modules.size() > MAX_MODULES) {
                throw new InputException(file, "more than " + MAX_MODULES + " modules");
            }
        }
        if (modules.isEmpty()) {
            throw new InputException(file, "lists no module");
        }
        return modules;
    }
}
