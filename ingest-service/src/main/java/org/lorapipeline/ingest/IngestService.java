package org.lorapipeline.ingest;

import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceMain;
import org.lorapipeline.schemas.Topics;

/** The ingest-service process: checks submitted datasets and registers or rejects them. */
public final class IngestService {
    public static final String NAME = "ingest-service";

    private IngestService() {}

    public static void main(String[] args) {
        ServiceMain.run(NAME, args, IngestService::wire);
    }

    /** Registers the service's consumer loop; {@code lora up} calls this to run the service in-process. */
    public static void wire(Service service) {
        service.consume(Topics.DATASET_SUBMITTED, new IngestHandler(service.store(), IngestLimits.defaults()));
    }
}
