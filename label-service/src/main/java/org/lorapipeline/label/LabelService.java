package org.lorapipeline.label;

import org.lorapipeline.runtime.Service;
import org.lorapipeline.runtime.ServiceMain;
import org.lorapipeline.schemas.Topics;

/** The label-service process: captions images of registered datasets and emits captions.ready. */
public final class LabelService {
    public static final String NAME = "label-service";

    private LabelService() {}

    public static void main(String[] args) {
        ServiceMain.run(NAME, args, LabelService::wire);
    }

    /** Registers the consumer loop; the CLIP model is loaded once per process, on first need. */
    public static void wire(Service service) {
        wire(service, LabelModel.fromEnvironment(System.getenv()));
    }

    static void wire(Service service, LabelModel model) {
        service.consume(Topics.DATASET_REGISTERED, new LabelHandler(service.store(), model));
    }
}
