package org.lorapipeline.infra.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipeline.infra.StackEndpoints;
import org.lorapipeline.schemas.TopicSpec;
import org.lorapipeline.schemas.Topics;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Parses every deployment manifest and checks it against the topic catalog and the service contract. */
class ManifestsTest {
    private static final List<String> SERVICES = List.of("ingest-service", "label-service", "train-service", "export-service");
    private static final Set<String> SERVICE_ENV = Set.of(StackEndpoints.ENV_KAFKA_BOOTSTRAP, StackEndpoints.ENV_S3_ENDPOINT,
            StackEndpoints.ENV_S3_ACCESS_KEY, StackEndpoints.ENV_S3_SECRET_KEY, StackEndpoints.ENV_S3_BUCKET);

    /** kind -> name -> document, for every document under k8s/. */
    static Map<String, Map<String, Map<String, Object>>> k8s;
    static Map<String, Object> compose;

    @BeforeAll
    static void parse() throws IOException {
        k8s = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : yaml().loadAll(Files.readString(file))) {
                    if (doc == null) {
                        continue;
                    }
                    Map<String, Object> resource = map(doc);
                    String kind = (String) resource.get("kind");
                    String name = kind.equals("Kustomization") ? "kustomization" : (String) map(resource.get("metadata")).get("name");
                    Object previous = k8s.computeIfAbsent(kind, k -> new TreeMap<>()).put(name, resource);
                    assertThat(previous).as(kind + " " + name + " defined twice (" + file + ")").isNull();
                }
            }
        }
        compose = map(yaml().load(Files.readString(Path.of("compose/docker-compose.yml"))));
    }

    @Test
    void generatedTopicFilesAreUpToDateWithTheCatalog() throws IOException {
        assertThat(Files.readString(Path.of(KafkaTopicManifests.K8S_FILE)))
                .as("k8s/kafka-topics.yaml is stale: run KafkaTopicManifests").isEqualTo(KafkaTopicManifests.kafkaTopicsYaml());
        assertThat(Files.readString(Path.of(KafkaTopicManifests.COMPOSE_SCRIPT)))
                .as("compose/create-topics.sh is stale: run KafkaTopicManifests").isEqualTo(KafkaTopicManifests.createTopicsScript());
    }

    @Test
    void everyCatalogTopicAndDlqHasAKafkaTopicWithMatchingPartitionsAndRetentionAndNothingElse() {
        Map<String, Map<String, Object>> topics = k8s.get("KafkaTopic");
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(Topics.allNames());
        for (TopicSpec<?> spec : Topics.ALL) {
            Map<String, Object> main = map(topics.get(spec.name()).get("spec"));
            Map<String, Object> dlq = map(topics.get(spec.dlq()).get("spec"));
            assertThat(main.get("topicName")).isEqualTo(spec.name());
            assertThat(main.get("partitions")).isEqualTo(spec.partitions());
            assertThat(dlq.get("partitions")).isEqualTo(spec.partitions());
            assertThat(map(main.get("config")).get("retention.ms")).isEqualTo(Long.toString(spec.retention().toMillis()));
            assertThat(map(main.get("config")).get("cleanup.policy")).isEqualTo(spec.compacted() ? "compact" : "delete");
            assertThat(map(dlq.get("config")).get("retention.ms")).isEqualTo(Long.toString(TopicSpec.DLQ_RETENTION.toMillis()));
            assertThat(map(topics.get(spec.name()).get("metadata")).get("labels")).isEqualTo(Map.of(
                    "strimzi.io/cluster", "lora", "app.kubernetes.io/part-of", "lora-pipeline"));
        }
    }

    @Test
    void kafkaClusterIsKraftWithNodePoolsAndTheTopicsNameIt() {
        Map<String, Object> kafka = k8s.get("Kafka").get("lora");
        assertThat(map(map(kafka.get("metadata")).get("annotations")))
                .containsEntry("strimzi.io/kraft", "enabled").containsEntry("strimzi.io/node-pools", "enabled");
        Map<String, Object> pool = k8s.get("KafkaNodePool").get("dual-role");
        assertThat(list(map(pool.get("spec")).get("roles"))).containsExactlyInAnyOrder("controller", "broker");
        assertThat(map(map(map(kafka.get("spec")).get("kafka")).get("config"))).containsEntry("auto.create.topics.enable", false);
        int replicas = (int) map(pool.get("spec")).get("replicas");
        k8s.get("KafkaTopic").values().forEach(t -> assertThat((int) map(t.get("spec")).get("replicas")).isLessThanOrEqualTo(replicas));
    }

    @Test
    void everyServiceHasADeploymentAndServiceWithProbesScrapeAnnotationsAndResources() {
        for (String name : SERVICES) {
            Map<String, Object> template = map(map(k8s.get("Deployment").get(name).get("spec")).get("template"));
            assertThat(map(map(template.get("metadata")).get("annotations"))).as(name)
                    .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080");
            Map<String, Object> container = map(list(map(template.get("spec")).get("containers")).get(0));
            assertThat(httpGetPath(container, "livenessProbe")).as(name).isEqualTo("/health/live");
            assertThat(httpGetPath(container, "readinessProbe")).as(name).isEqualTo("/health/ready");
            assertThat(map(list(container.get("ports")).get(0)).get("containerPort")).isEqualTo(8080);
            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).as(name).containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).as(name).containsKey("memory");

            Map<String, Object> service = k8s.get("Service").get(name);
            assertThat(map(map(service.get("spec")).get("selector"))).isEqualTo(map(map(map(
                    k8s.get("Deployment").get(name).get("spec")).get("selector")).get("matchLabels")));
        }
    }

    @Test
    void trainServiceRunsOnAGpuNodeAndKedaScalesItOnTrainingQueueLag() {
        Map<String, Object> podSpec = map(map(map(k8s.get("Deployment").get("train-service").get("spec")).get("template")).get("spec"));
        Map<String, Object> resources = map(map(list(podSpec.get("containers")).get(0)).get("resources"));
        assertThat(map(resources.get("limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(map(resources.get("requests"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(map(podSpec.get("nodeSelector"))).isNotEmpty();
        assertThat(list(podSpec.get("tolerations"))).anySatisfy(t -> assertThat(map(t)).containsEntry("key", "nvidia.com/gpu"));
        for (String other : List.of("ingest-service", "label-service", "export-service")) {
            assertThat(k8s.get("Deployment").get(other).toString()).doesNotContain("nvidia.com/gpu");
        }

        Map<String, Object> scaled = map(k8s.get("ScaledObject").get("train-service").get("spec"));
        assertThat(map(scaled.get("scaleTargetRef"))).containsEntry("name", "train-service");
        assertThat((int) scaled.get("maxReplicaCount")).isLessThanOrEqualTo(Topics.TRAINING_REQUESTED.partitions());
        Map<String, Object> trigger = map(list(scaled.get("triggers")).get(0));
        assertThat(trigger.get("type")).isEqualTo("kafka");
        assertThat(map(trigger.get("metadata"))).containsEntry("topic", Topics.TRAINING_REQUESTED.name())
                .containsEntry("consumerGroup", "train-service").containsKey("lagThreshold");
    }

    @Test
    void kedaScalesExportServiceOnTrainingFinishedLag() {
        Map<String, Object> scaled = map(k8s.get("ScaledObject").get("export-service").get("spec"));
        assertThat(map(scaled.get("scaleTargetRef"))).containsEntry("name", "export-service");
        assertThat((int) scaled.get("maxReplicaCount")).isLessThanOrEqualTo(Topics.TRAINING_FINISHED.partitions());
        Map<String, Object> trigger = map(list(scaled.get("triggers")).get(0));
        assertThat(trigger.get("type")).isEqualTo("kafka");
        assertThat(map(trigger.get("metadata"))).containsEntry("topic", Topics.TRAINING_FINISHED.name())
                .containsEntry("consumerGroup", "export-service").containsKey("lagThreshold");
        // KEDA owns the replica count; a fixed one would fight it
        assertThat(map(k8s.get("Deployment").get("export-service").get("spec"))).doesNotContainKey("replicas");
    }

    @Test
    void trainAndExportShareTheModelCacheVolumeWhereLoraModelCachePoints() {
        Map<String, Object> pvc = map(k8s.get("PersistentVolumeClaim").get("lora-model-cache").get("spec"));
        assertThat(list(pvc.get("accessModes"))).containsExactly("ReadWriteMany");
        for (String name : List.of("train-service", "export-service")) {
            Map<String, Object> podSpec = map(map(map(k8s.get("Deployment").get(name).get("spec")).get("template")).get("spec"));
            Map<String, Object> container = map(list(podSpec.get("containers")).get(0));
            String cachePath = envValue(container, "LORA_MODEL_CACHE");
            String volume = list(container.get("volumeMounts")).stream().map(ManifestsTest::map)
                    .filter(m -> cachePath.equals(m.get("mountPath"))).map(m -> (String) m.get("name"))
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": nothing mounted at " + cachePath));
            Map<String, Object> source = list(podSpec.get("volumes")).stream().map(ManifestsTest::map)
                    .filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
            assertThat(map(source.get("persistentVolumeClaim"))).as(name).containsEntry("claimName", "lora-model-cache");
            // each service names its own work folder variable
            String workPath = envValue(container, name.equals("train-service") ? "LORA_TRAIN_WORK_DIR" : "LORA_WORK_DIR");
            assertThat(list(container.get("volumeMounts"))).as(name)
                    .anySatisfy(m -> assertThat(map(m)).containsEntry("mountPath", workPath));
        }

        Map<String, Object> services = map(compose.get("services"));
        assertThat(map(compose.get("volumes"))).containsKey("model-cache");
        for (String name : List.of("train-service", "train-service-gpu", "export-service")) {
            Map<String, Object> svc = map(services.get(name));
            String cachePath = (String) map(svc.get("environment")).get("LORA_MODEL_CACHE");
            assertThat(list(svc.get("volumes"))).as(name).contains("model-cache:" + cachePath);
        }
    }

    @Test
    void trainServiceHasACpuVariantInBothDeployments() throws IOException {
        // k8s: an overlay patching the GPU request and node pinning away
        Map<String, Object> overlay = map(yaml().load(Files.readString(Path.of("k8s/overlays/cpu/kustomization.yaml"))));
        assertThat(list(overlay.get("resources"))).containsExactly("../..");
        Map<String, Object> patch = map(list(overlay.get("patches")).get(0));
        assertThat(map(patch.get("target"))).containsEntry("kind", "Deployment").containsEntry("name", "train-service");
        List<Object> ops = list(yaml().load(Files.readString(Path.of("k8s/overlays/cpu", (String) patch.get("path")))));
        Map<String, Object> podSpec = map(map(map(k8s.get("Deployment").get("train-service").get("spec")).get("template")).get("spec"));
        for (Object o : ops) {
            Map<String, Object> op = map(o);
            String path = (String) op.get("path");
            assertThat(path).startsWith("/spec/template/spec/");
            // every path the patch touches exists in the base, or kustomize refuses the patch
            assertThat(podSpec).as(path).containsKey(path.split("/")[4]);
        }
        assertThat(ops).anySatisfy(o -> assertThat(map(o)).containsEntry("op", "remove").containsEntry("path", "/spec/template/spec/nodeSelector"));
        assertThat(ops).anySatisfy(o -> assertThat(map(o)).containsEntry("op", "remove").containsEntry("path", "/spec/template/spec/tolerations"));
        Map<String, Object> resources = ops.stream().map(ManifestsTest::map)
                .filter(op -> "/spec/template/spec/containers/0/resources".equals(op.get("path"))).findFirst()
                .map(op -> map(op.get("value"))).orElseThrow();
        assertThat(resources.toString()).doesNotContain("nvidia.com/gpu");
        assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");

        // compose: the CPU worker by default, the GPU worker behind the gpu profile, both in the same consumer group
        Map<String, Object> services = map(compose.get("services"));
        Map<String, Object> cpu = map(services.get("train-service"));
        Map<String, Object> gpu = map(services.get("train-service-gpu"));
        assertThat(cpu).doesNotContainKey("deploy").doesNotContainKey("profiles");
        assertThat(list(gpu.get("profiles"))).containsExactly("gpu");
        assertThat(gpu.get("deploy").toString()).contains("driver=nvidia");
        assertThat(gpu.get("image")).isEqualTo(cpu.get("image"));
        assertThat(map(gpu.get("environment"))).isEqualTo(map(cpu.get("environment")))
                .containsEntry("LORA_SERVICE_NAME", "train-service");
        Map<String, Object> gpuQueue = map(services.get("train-service-gpu-queue"));
        assertThat(list(gpuQueue.get("profiles"))).containsExactly("gpu");
        assertThat(map(gpuQueue.get("environment"))).containsEntry("LORA_TRAIN_QUEUE", "gpu")
                .containsEntry("LORA_SERVICE_NAME", "train-service");
    }

    @Test
    void gpuOnlyRunsHaveWorkersAndTheRouterNeverScalesToZero() {
        // device: cuda:N runs: their own workers, scaled on their own queue's lag in the consumer group they join
        Map<String, Object> gpuQueue = map(list(map(map(map(k8s.get("Deployment").get("train-service-gpu-queue")
                .get("spec")).get("template")).get("spec")).get("containers")).get(0));
        assertThat(envValue(gpuQueue, "LORA_TRAIN_QUEUE")).isEqualTo("gpu");
        assertThat(envValue(gpuQueue, "LORA_TRAIN_ROLES")).isEqualTo("worker");
        assertThat(map(gpuQueue.get("resources")).toString()).contains("nvidia.com/gpu");
        Map<String, Object> scaled = map(k8s.get("ScaledObject").get("train-service-gpu-queue").get("spec"));
        assertThat(map(scaled.get("scaleTargetRef"))).containsEntry("name", "train-service-gpu-queue");
        assertThat(map(map(list(scaled.get("triggers")).get(0)).get("metadata")))
                .containsEntry("topic", Topics.GPU_TRAINING_REQUESTED.name())
                .containsEntry("consumerGroup", "train-service-gpu");

        // KEDA scales the workers to zero, so the router runs alone with a fixed replica and no GPU
        Map<String, Object> workers = map(list(map(map(map(k8s.get("Deployment").get("train-service")
                .get("spec")).get("template")).get("spec")).get("containers")).get(0));
        assertThat(envValue(workers, "LORA_TRAIN_ROLES")).isEqualTo("worker");
        Map<String, Object> routerSpec = map(k8s.get("Deployment").get("train-router").get("spec"));
        assertThat(routerSpec.get("replicas")).isEqualTo(1);
        Map<String, Object> router = map(list(map(map(routerSpec.get("template")).get("spec")).get("containers")).get(0));
        assertThat(envValue(router, "LORA_TRAIN_ROLES")).isEqualTo("router");
        assertThat(envValue(router, "LORA_SERVICE_NAME")).isEqualTo("train-service");
        assertThat(router.toString()).doesNotContain("nvidia.com/gpu");
        assertThat(k8s.get("ScaledObject")).doesNotContainKey("train-router");
    }

    private static String envValue(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(ManifestsTest::map).filter(e -> name.equals(e.get("name")))
                .map(e -> (String) e.get("value")).findFirst()
                .orElseThrow(() -> new AssertionError(container.get("name") + " does not set " + name));
    }

    @Test
    void composeAndK8sRunTheSameImagesWithTheSameServiceEnvironment() {
        Map<String, Object> services = map(compose.get("services"));
        assertThat(services).containsKeys("kafka", "minio", "topic-init", "bucket-init");
        assertThat(services.keySet()).containsAll(SERVICES);
        for (String name : SERVICES) {
            Map<String, Object> composeService = map(services.get(name));
            Map<String, Object> container = map(list(map(map(map(
                    k8s.get("Deployment").get(name).get("spec")).get("template")).get("spec")).get("containers")).get(0));
            assertThat(composeService.get("image")).as(name).isEqualTo(container.get("image"));
            assertThat(map(composeService.get("environment")).keySet()).as(name + " in compose").containsAll(SERVICE_ENV);
            Set<String> k8sEnv = list(container.get("env")).stream().map(e -> (String) map(e).get("name")).collect(Collectors.toSet());
            assertThat(k8sEnv).as(name + " in k8s").containsAll(SERVICE_ENV);
            assertThat(list(map(composeService.get("healthcheck")).get("test"))).as(name)
                    .anySatisfy(part -> assertThat((String) part).endsWith(":8080/health/ready"));
        }
        Map<String, Object> minio = map(list(map(map(map(k8s.get("StatefulSet").get("minio").get("spec")).get("template"))
                .get("spec")).get("containers")).get(0));
        assertThat(map(services.get("minio")).get("image")).isEqualTo(minio.get("image"));
        assertThat((String) map(services.get("kafka")).get("image")).startsWith("apache/kafka:4.")
                .endsWith(":" + map(map(k8s.get("Kafka").get("lora").get("spec")).get("kafka")).get("version"));
        assertThat(map(map(services.get("kafka")).get("environment"))).containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    }

    @Test
    void kustomizationListsEveryManifestFile() throws IOException {
        List<String> listed = list(k8s.get("Kustomization").get("kustomization").get("resources")).stream().map(String.class::cast).toList();
        try (Stream<Path> files = Files.list(Path.of("k8s"))) {
            List<String> present = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).sorted().toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
        }
    }

    private static String httpGetPath(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return new LinkedHashMap<>((Map<String, Object>) value);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return new ArrayList<>((List<Object>) value);
    }
}
