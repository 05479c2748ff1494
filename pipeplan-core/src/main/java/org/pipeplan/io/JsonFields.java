package org.pipeplan.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Strict, explicit access to the fields of a JSON document, with one-line errors that name the
 * file and the element ("node 12", "edge #4 (3 -> 7)") at fault.
 */
public final class JsonFields {

    /** Largest JSON input read: above it the file is refused before parsing (-Dpipeplan.maxInputBytes). */
    static final long MAX_INPUT_BYTES = Long.getLong("pipeplan.maxInputBytes", 1L << 30);
    /**
     * Largest quantity an input may give (a time, a size in bytes, a rate): sums over the largest
     * graphs pipeplan plans (10^7 nodes) then stay near 1e25, finite and exact to a double's
     * precision, where 1e308 would overflow to infinity.
     */
    public static final double MAX_QUANTITY = 1e18;
    /**
     * Most JSON tokens (values, field names, brackets) one input may hold: as many as half this run's
     * heap holds as a tree (a token costs up to about 64 bytes there), so that a file of junk within
     * the byte limit (millions of empty objects) is refused instead of exhausting the memory. A
     * 10^6-operator placement-json needs about 30 million.
     */
    static final long MAX_TOKENS = Long.getLong("pipeplan.maxInputTokens", Runtime.getRuntime().maxMemory() / 2 / 64);
    /** Deepest nesting of arrays and objects: the formats need four levels. */
    static final int MAX_NESTING = 64;

    /**
     * NaN and Infinity are parsed so that they can be rejected with a clear message. Nesting,
     * numbers and strings are limited, so that a hostile file fails fast instead of recursing deep
     * or parsing a million-digit number.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING).maxNumberLength(64).maxStringLength(1 << 20)
                            .maxTokenCount(MAX_TOKENS).build())
                    .build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final String source;

    public JsonFields(String source) {
        this.source = source;
    }

    public InputException error(String problem) {
        return new InputException(source, problem);
    }

    public static JsonNode parse(Path file) {
        try (InputStream in = InputFiles.open(file, MAX_INPUT_BYTES, "JSON inputs (raise it with -Dpipeplan.maxInputBytes)")) {
            return parse(file.toString(), in);
        } catch (IOException e) {
            throw new InputException(file, "cannot read: " + OutputFiles.reason(e));
        }
    }

    public static JsonNode parse(String source, InputStream in) {
        try {
            JsonNode root = MAPPER.readTree(in);
            if (root == null || root.isMissingNode()) {
                throw new InputException(source, "empty file, expected a JSON object");
            }
            return root;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (m.contains("Token count")) {
                throw new InputException(source, "holds more than " + MAX_TOKENS + " JSON values, more than this run's heap "
                        + "can hold (give Java more with -Xmx, or raise -Dpipeplan.maxInputTokens)");
            }
            throw new InputException(source, "malformed JSON: " + firstLine(m));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InputException(source, "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InputException(source, "cannot read: " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw error(what + " must be a JSON object");
        }
        return node;
    }

    public JsonNode array(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null) {
            throw error(where + ": missing field '" + field + "'");
        }
        if (!value.isArray()) {
            throw error(where + ": '" + field + "' must be an array");
        }
        return value;
    }

    public double number(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null) {
            throw error(where + ": missing field '" + field + "'");
        }
        return numberValue(value, field, where);
    }

    public double numberValue(JsonNode value, String field, String where) {
        if (!value.isNumber()) {
            throw error(where + ": '" + field + "' must be a number, got " + describe(value));
        }
        double d = value.asDouble();
        if (Double.isNaN(d)) {
            throw error(where + ": '" + field + "' is NaN");
        }
        if (Double.isInfinite(d)) {
            throw error(where + ": '" + field + "' is infinite");
        }
        return d;
    }

    public double nonNegative(JsonNode parent, String field, String where, double defaultValue) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            if (Double.isNaN(defaultValue)) {
                throw error(where + ": missing field '" + field + "'");
            }
            return defaultValue;
        }
        double d = numberValue(value, field, where);
        if (d < 0) {
            throw error(where + ": '" + field + "' is negative (" + d + ")");
        }
        if (d > MAX_QUANTITY) {
            throw error(where + ": '" + field + "' is " + d + ", more than the " + MAX_QUANTITY + " any quantity may be");
        }
        return d;
    }

    public long integer(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null) {
            throw error(where + ": missing field '" + field + "'");
        }
        return integerValue(value, field, where);
    }

    public long integerValue(JsonNode value, String field, String where) {
        double d = numberValue(value, field, where);
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw error(where + ": '" + field + "' must be an integer, got " + value.asText());
        }
        return (long) d;
    }

    Long optionalInteger(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return integerValue(value, field, where);
    }

    /** A boolean written as true/false or as the numbers 0/1. */
    public boolean flag(JsonNode parent, String field, String where, Boolean defaultValue) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            if (defaultValue == null) {
                throw error(where + ": missing field '" + field + "'");
            }
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber() && (value.asDouble() == 0.0 || value.asDouble() == 1.0)) {
            return value.asDouble() == 1.0;
        }
        throw error(where + ": '" + field + "' must be true/false or 0/1, got " + describe(value));
    }

    public static String describe(JsonNode value) {
        String text = value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
