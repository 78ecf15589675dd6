package org.lorapipeline.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.lorapipeline.runtime.HealthServer;
import org.lorapipeline.runtime.ServiceConfigLoader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The export-service deployments (infra/k8s, infra/compose) against the code: every LORA_* variable they set is one
 * the service reads, and the probes and scrape path are the ones {@link HealthServer} serves. (infra cannot depend on
 * the services, so this side of the check lives here.)
 */
class ExportDeploymentTest {
    private static final Path INFRA = Path.of("..", "infra");

    private static Set<String> known() {
        return Stream.concat(ServiceConfigLoader.ALL.stream().map(ServiceConfigLoader.Setting::env),
                ExportSettings.ENVIRONMENT.stream()).collect(Collectors.toSet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesDeploymentSetsOnlyVariablesTheServiceReadsAndProbesItsHealthPaths() throws IOException {
        Map<String, Object> deployment = null;
        for (Object doc : yaml().loadAll(Files.readString(INFRA.resolve("k8s/export-service.yaml")))) {
            Map<String, Object> d = (Map<String, Object>) doc;
            if ("Deployment".equals(d.get("kind"))) {
                deployment = d;
            }
        }
        assertThat(deployment).isNotNull();
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) deployment.get("spec")).get("template");
        Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) template.get("spec"))
                .get("containers")).get(0);
        List<String> env = ((List<Map<String, Object>>) container.get("env")).stream().map(e -> (String) e.get("name")).toList();
        assertThat(env).isSubsetOf(known()).containsAll(ExportSettings.ENVIRONMENT);
        assertThat(probePath(container, "livenessProbe")).isEqualTo(HealthServer.LIVE_PATH);
        assertThat(probePath(container, "startupProbe")).isEqualTo(HealthServer.LIVE_PATH);
        assertThat(probePath(container, "readinessProbe")).isEqualTo(HealthServer.READY_PATH);
        assertThat(((Map<String, Object>) template.get("metadata")).get("annotations").toString())
                .contains("prometheus.io/path=" + HealthServer.METRICS_PATH);
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeServiceSetsOnlyVariablesTheServiceReadsAndChecksReadiness() throws IOException {
        Map<String, Object> compose = yaml().load(Files.readString(INFRA.resolve("compose/docker-compose.yml")));
        Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(ExportService.NAME);
        Set<String> env = ((Map<String, Object>) service.get("environment")).keySet();
        assertThat(env).isSubsetOf(known()).containsAll(ExportSettings.ENVIRONMENT);
        assertThat((List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test"))
                .anySatisfy(part -> assertThat(part).endsWith(HealthServer.READY_PATH));
    }

    @SuppressWarnings("unchecked")
    private static String probePath(Map<String, Object> container, String probe) {
        return (String) ((Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet")).get("path");
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
