package org.lorapipeline.export;

import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceMain;
import org.lorapipeline.schemas.Topics;

/** The export-service process: turns each finished run's adapter into the requested formats and emits model.exported. */
public final class ExportService {
    public static final String NAME = "export-service";

    private ExportService() {}

    public static void main(String[] args) {
        ServiceMain.run(NAME, args, ExportService::wire);
    }

    /** Registers the consumer loop with settings from the environment; {@code lora up} calls this in-process. */
    public static void wire(Service service) {
        wire(service, ExportSettings.fromEnvironment(System.getenv()));
    }

    public static void wire(Service service, ExportSettings settings) {
        service.consume(Topics.TRAINING_FINISHED, new ExportHandler(service.store(), settings, service.registry()));
    }
}
