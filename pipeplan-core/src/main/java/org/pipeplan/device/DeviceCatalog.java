package org.pipeplan.device;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Device types by name: the bundled defaults, plus any a device file adds or overrides. */
public final class DeviceCatalog {

    private final Map<String, DeviceType> types;

    public DeviceCatalog(Collection<DeviceType> types) {
        this.types = new LinkedHashMap<>();
        for (DeviceType t : types) {
            this.types.put(t.name(), t);
        }
    }

    /** A catalog with these types added (replacing types of the same name). */
    public DeviceCatalog with(Collection<DeviceType> more) {
        Map<String, DeviceType> all = new LinkedHashMap<>(types);
        for (DeviceType t : more) {
            all.put(t.name(), t);
        }
        return new DeviceCatalog(all.values());
    }

    /** The type of this name; the exception lists the known names. */
    public DeviceType get(String name) {
        DeviceType t = types.get(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown device type '" + name + "'; known: " + String.join(", ", types.keySet()));
        }
        return t;
    }

    public Collection<DeviceType> types() {
        return types.values();
    }
}
