package org.lorapipeline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lorapipeline.infra.DevStackOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lora up}: the embedded stack and the services, until Ctrl-C. */
@Command(name = "up", description = "Start the embedded dev stack (real Kafka + S3) and the pipeline services; Ctrl-C stops them.")
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "${env:LORA_DATA_DIR:-.lora-data}",
            description = "Where Kafka logs and S3 objects live; survives restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka port on 127.0.0.1, 0 = any free (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--s3-port", defaultValue = "9000", description = "S3 port on 127.0.0.1, 0 = any free (default: ${DEFAULT-VALUE}).")
    int s3Port;

    @Override
    public Integer call() throws InterruptedException {
        DevStackOptions options = DevStackOptions.defaults().withDataDir(dataDir).withKafkaPort(kafkaPort).withS3Port(s3Port);
        LocalPipeline pipeline = LocalPipeline.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("lora: stopping services and stack ...");
            pipeline.close();
            stopped.countDown();
        }, "lora-up-shutdown"));
        System.out.println(pipeline.endpoints().describe());
        System.out.println("Run status        " + pipeline.statusUrl() + "/runs   (lora status, lora events --follow)");
        System.out.println("Services          ingest-service, label-service (CLIP model: LORA_LABEL_MODEL)");
        System.out.println();
        System.out.println("Push a dataset from another terminal:  bin/lora dataset push DIR --config run.yaml");
        System.out.println("Ctrl-C stops everything; data stays in " + pipeline.endpoints().dataDir());
        stopped.await();
        return 0;
    }
}
