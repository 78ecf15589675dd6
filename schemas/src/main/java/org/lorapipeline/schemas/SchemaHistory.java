package org.lorapipeline.schemas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Earlier published versions of our event schemas. When a schema changes, its previous {@code .avsc} is copied
 * to {@code resources/org/lorapipeline/schemas/history/} and listed in {@code index.txt}, so readers built from
 * the new code still decode events written by old producers (single-object encoding names the writer schema by
 * fingerprint only).
 */
public final class SchemaHistory {
    private static final String DIR = "/org/lorapipeline/schemas/history/";
    private static volatile SchemaStore.Cache store;

    private SchemaHistory() {}

    public static SchemaStore store() {
        SchemaStore.Cache s = store;
        if (s == null) {
            synchronized (SchemaHistory.class) {
                if (store == null) {
                    store = load();
                }
                s = store;
            }
        }
        return s;
    }

    private static SchemaStore.Cache load() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        try (InputStream index = SchemaHistory.class.getResourceAsStream(DIR + "index.txt")) {
            if (index == null) {
                return cache;
            }
            var reader = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + name)) {
                    if (in == null) {
                        throw new IllegalStateException("schema history lists " + name + " but the file is missing");
                    }
                    cache.addSchema(new Schema.Parser().parse(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the schema history", e);
        }
        return cache;
    }
}
