package org.lorapipeline.core.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint split into {@code model-0000k-of-0000N.safetensors} shards described by
 * {@code model.safetensors.index.json} ({@code {"metadata":{...},"weight_map":{name: shardFile}}}),
 * presented as one {@link TensorSource}. Every shard header is validated on open.
 */
public final class ShardedSafetensors implements TensorSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path index;
    private final Map<String, String> indexMetadata;
    private final Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
    private final List<SafetensorsFile> shards;

    private ShardedSafetensors(Path index, Map<String, String> indexMetadata, List<SafetensorsFile> shards) {
        this.index = index;
        this.indexMetadata = Map.copyOf(indexMetadata);
        this.shards = List.copyOf(shards);
    }

    public static ShardedSafetensors open(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (NoSuchFileException e) {
            throw new SafetensorsException(index + ": no such index file");
        } catch (IOException e) {
            throw new SafetensorsException(index + ": not a readable JSON index (" + e.getMessage() + ")", e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(index + ": missing 'weight_map' object (tensor name -> shard file)");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode metaNode = root.get("metadata");
        if (metaNode != null && metaNode.isObject()) {
            metaNode.fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        List<SafetensorsFile> shards = new ArrayList<>();
        ShardedSafetensors result = null;
        try {
            Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String file = e.getValue().asText();
                Path shardPath = dir.resolve(file).normalize();
                if (!shardPath.startsWith(dir)) {
                    throw new SafetensorsException(index + ": shard '" + file + "' for tensor '" + e.getKey()
                            + "' lies outside the index directory");
                }
                SafetensorsFile shard = opened.get(file);
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath);
                    opened.put(file, shard);
                    shards.add(shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new SafetensorsException(index + ": weight_map puts tensor '" + e.getKey() + "' in "
                            + file + " but that shard has no such tensor");
                }
                owner.put(e.getKey(), shard);
            }
            result = new ShardedSafetensors(index, meta, shards);
            result.owner.putAll(owner);
            return result;
        } finally {
            if (result == null) {
                shards.forEach(SafetensorsFile::close);
            }
        }
    }

    /** The index file's own {@code metadata} (e.g. {@code total_size}), values as text. */
    public Map<String, String> indexMetadata() {
        return indexMetadata;
    }

    public List<SafetensorsFile> shards() {
        return shards;
    }

    @Override
    public List<String> names() {
        return List.copyOf(owner.keySet());
    }

    @Override
    public boolean contains(String name) {
        return owner.containsKey(name);
    }

    private SafetensorsFile shardOf(String name) {
        SafetensorsFile f = owner.get(name);
        if (f == null) {
            throw new SafetensorsException(index + ": no tensor named '" + name + "' in weight_map");
        }
        return f;
    }

    @Override
    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    @Override
    public float[] floats(String name) {
        return shardOf(name).floats(name);
    }

    @Override
    public long[] longs(String name) {
        return shardOf(name).longs(name);
    }

    @Override
    public ByteBuffer bytes(String name) {
        return shardOf(name).bytes(name);
    }

    @Override
    public Map<String, String> metadata() {
        return shards.isEmpty() ? Map.of() : shards.get(0).metadata();
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
