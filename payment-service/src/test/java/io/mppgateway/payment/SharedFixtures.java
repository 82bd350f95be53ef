package io.mppgateway.payment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the MPP conformance vectors from ../shared (the test command passes -Dshared.dir). */
public final class SharedFixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SharedFixtures() {
    }

    public static Path sharedDir() {
        String dir = System.getProperty("shared.dir", "../../shared");
        Path path = Path.of(dir);
        if (!Files.isDirectory(path.resolve("conformance"))) {
            throw new IllegalStateException("shared/ not found at " + path.toAbsolutePath()
                    + "; run the tests with -Dshared.dir=<path to shared>");
        }
        return path;
    }

    public static JsonNode vectors(String file) {
        try {
            return MAPPER.readTree(sharedDir().resolve("conformance/conformance/vectors").resolve(file).toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Scenarios meant for every SDK (those pinned to other adapters, e.g. rust-only, are skipped). */
    public static Iterable<JsonNode> scenarios(String file) {
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        for (JsonNode s : vectors(file).path("scenarios")) {
            if (!s.has("adapters")) {
                list.add(s);
            }
        }
        return list;
    }
}
