package org.lorapipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.testkit.RealStack;
import org.lorapipeline.testkit.TestStack;

@RealStack
class ObjectTreeIT {
    private final ObjectStore store;
    private final String prefix;

    @TempDir
    Path dir;

    ObjectTreeIT(TestStack stack) {
        this.store = ObjectStore.connect(ItSupport.config(stack, "tree-it"));
        this.prefix = stack.uniqueId("tree-it");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Path folder() throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("tokenizer"));
        Files.writeString(src.resolve("config.json"), "{\"hidden_size\": 8}");
        Files.writeString(src.resolve("tokenizer/vocab.json"), "{\"a\": 1}");
        Files.write(src.resolve("model.safetensors"), new byte[4096]);
        return src;
    }

    @Test
    void uploadsAFolderWithAnIndexAndDownloadsItVerified() throws Exception {
        Path src = folder();
        ObjectRef index = ObjectTree.upload(store, src, prefix + "/model");
        assertThat(index.getKey()).isEqualTo(prefix + "/model/index.json");
        assertThat(ObjectTree.entries(store, index)).extracting(ObjectTree.Entry::path)
                .containsExactly("config.json", "model.safetensors", "tokenizer/vocab.json");
        Path out = ObjectTree.download(store, index, dir.resolve("out"));
        assertThat(out.resolve("tokenizer/vocab.json")).hasContent("{\"a\": 1}");
        assertThat(Files.size(out.resolve("model.safetensors"))).isEqualTo(4096);
        assertThat(ObjectTree.find(store, prefix + "/model")).contains(index);
        assertThat(ObjectTree.find(store, prefix + "/nothing")).isEmpty();
    }

    @Test
    void aTamperedFileFailsTheDownloadAndKeepsWhatWasThere() throws Exception {
        Path src = folder();
        ObjectRef index = ObjectTree.upload(store, src, prefix + "/bad");
        store.putBytes(prefix + "/bad/config.json", "{\"hidden_size\": 9}".getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), "mine");
        assertThatThrownBy(() -> ObjectTree.download(store, index, out)).isInstanceOf(ChecksumMismatchException.class);
        assertThat(out.resolve("config.json")).hasContent("mine");
    }

    @Test
    void modelCacheResolvesFoldersFilesAndLocalPaths() throws Exception {
        Path src = folder();
        ObjectTree.upload(store, src, prefix + "/models/tiny");
        store.putFile(prefix + "/models/single.safetensors", src.resolve("model.safetensors"));
        ModelCache cache = new ModelCache(store, dir.resolve("cache"));

        Path folder = cache.resolve(ModelCache.uri(store.bucket(), prefix + "/models/tiny/"));
        assertThat(folder.resolve("config.json")).hasContent("{\"hidden_size\": 8}");
        Path file = cache.resolve(ModelCache.uri(store.bucket(), prefix + "/models/single.safetensors"));
        assertThat(Files.size(file)).isEqualTo(4096);
        assertThat(cache.resolve(src.toString())).isEqualTo(src);

        assertThatThrownBy(() -> cache.resolve(ModelCache.uri(store.bucket(), prefix + "/models/missing")))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> cache.resolve("s3://other-bucket/models/x"))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("other-bucket");
        assertThatThrownBy(() -> cache.resolve(dir.resolve("nope").toString()))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining("does not exist");
    }
}
