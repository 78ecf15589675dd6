package org.lorapipeline.label;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lorapipeline.core.caption.StructuredCaption;
import org.lorapipeline.core.dataset.CaptionSource;
import org.lorapipeline.core.dataset.CsvWriter;
import org.lorapipeline.core.dataset.Manifest;
import org.lorapipeline.core.label.ImageLabel;
import org.lorapipeline.events.CaptionsReady;
import org.lorapipeline.events.CaptionsRequested;
import org.lorapipeline.events.DatasetKind;
import org.lorapipeline.events.DatasetRegistered;
import org.lorapipeline.events.ObjectRef;
import org.lorapipeline.events.Problem;
import org.lorapipeline.events.Severity;
import org.lorapipeline.runtime.EventContext;
import org.lorapipeline.runtime.EventHandler;
import org.lorapipeline.runtime.ObjectStore;
import org.lorapipeline.runtime.PoisonEventException;
import org.lorapipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dataset.registered} → {@code captions.ready}. Images without a caption (or every image, when the run asked
 * for labeling) are captioned with CLIP; captions people wrote are kept. Writes {@code captions/metadata.csv} and
 * {@code captions/manifest.json} beside the dataset. A dataset with nothing to label passes straight through
 * without loading the model. An image that cannot be read is reported in the event, never fatal.
 */
public final class LabelHandler implements EventHandler<DatasetRegistered> {
    private static final Logger log = LoggerFactory.getLogger(LabelHandler.class);

    private final ObjectStore store;
    private final LabelModel model;

    LabelHandler(ObjectStore store, LabelModel model) {
        this.store = store;
        this.model = model;
    }

    @Override
    public void handle(DatasetRegistered event, EventContext ctx) throws IOException {
        Manifest manifest;
        try {
            manifest = Manifest.fromJson(store.getBytes(event.getManifest()));
        } catch (IOException e) {
            throw new PoisonEventException("manifest " + event.getManifest().getKey() + " is not readable: " + e.getMessage(), e);
        }
        String base = "datasets/" + event.getDatasetId() + "/";
        List<Problem> failures = new ArrayList<>();
        Map<String, ImageLabel> generated = new HashMap<>();
        if (event.getDatasetKind() == DatasetKind.IMAGE) {
            List<Manifest.Image> todo = manifest.images().stream()
                    .filter(i -> i.caption() == null || i.caption().isBlank() || i.captionSource() == CaptionSource.NONE
                            || i.captionSource() == CaptionSource.CLASS_TOKEN)
                    .toList();
            if (!todo.isEmpty() && !model.configured()) {
                todo.forEach(i -> failures.add(problem(i.path(), "label.no_model", "not captioned: " + model.describe())));
            } else if (!todo.isEmpty()) {
                // tells watchers the run is in the (possibly long) labeling step
                ctx.publish(Topics.CAPTIONS_REQUESTED, CaptionsRequested.newBuilder()
                        .setEventId(ctx.newEventId()).setRunId(event.getRunId()).setOccurredAt(Instant.now())
                        .setDatasetId(event.getDatasetId()).setManifest(event.getManifest())
                        .setLabelModel(model.describe()).setOverwrite(false).build());
                label(base, todo, generated, failures);
            }
        }
        Manifest updated = withCaptions(manifest, generated);
        ObjectRef manifestRef = store.putBytes(base + "captions/manifest.json", updated.toJson(), "application/json");
        ObjectRef captionsRef = event.getDatasetKind() == DatasetKind.IMAGE
                ? store.putBytes(base + "captions/metadata.csv", metadataCsv(updated), "text/csv")
                : manifestRef;
        int kept = (int) updated.images().stream().filter(i -> i.captionSource() != CaptionSource.AUTO_LABEL
                && i.caption() != null && !i.caption().isBlank()).count();
        log.info("run {}: {} captions generated, {} kept, {} failed", event.getRunId(), generated.size(), kept, failures.size());
        ctx.publish(Topics.CAPTIONS_READY, CaptionsReady.newBuilder()
                .setEventId(ctx.newEventId()).setRunId(event.getRunId()).setOccurredAt(Instant.now())
                .setDatasetId(event.getDatasetId()).setManifest(manifestRef).setCaptions(captionsRef)
                .setConfig(event.getConfig()).setGenerated(generated.size()).setKept(kept).setFailed(failures.size())
                .setFailures(failures).build());
    }

    private void label(String base, List<Manifest.Image> todo, Map<String, ImageLabel> generated, List<Problem> failures)
            throws IOException {
        Path work = Files.createTempDirectory("lora-label-");
        try {
            List<Path> files = new ArrayList<>();
            Map<Path, String> names = new HashMap<>();
            for (Manifest.Image image : todo) {
                Path local = work.resolve(Integer.toString(files.size())).resolve(Path.of(image.path()).getFileName());
                ObjectRef ref = ObjectRef.newBuilder().setBucket(store.bucket()).setKey(base + "files/" + image.path())
                        .setSha256(image.sha256()).setSizeBytes(store.stat(base + "files/" + image.path())
                                .map(ObjectRef::getSizeBytes).orElse(-1L)).build();
                try {
                    store.getToFile(ref, local);
                    files.add(local);
                    names.put(local, image.path());
                } catch (RuntimeException e) {
                    failures.add(problem(image.path(), "label.unreadable", "could not fetch the image: " + e.getMessage()));
                }
            }
            for (ImageLabel label : model.labeler().label(files, (done, total, latest) -> { })) {
                String name = names.get(label.image());
                if (!label.ok()) {
                    failures.add(problem(name, "label.failed", label.error()));
                } else if (label.caption() == null || label.caption().render().isBlank()) {
                    failures.add(problem(name, "label.no_tags", "no tag scored above its threshold; caption it by hand"));
                } else {
                    generated.put(name, label);
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Manifest withCaptions(Manifest manifest, Map<String, ImageLabel> generated) {
        List<Manifest.Image> images = new ArrayList<>();
        for (Manifest.Image i : manifest.images()) {
            ImageLabel label = generated.get(i.path());
            if (label == null) {
                images.add(i);
            } else {
                StructuredCaption c = label.caption();
                images.add(new Manifest.Image(i.path(), i.sha256(), i.width(), i.height(), i.format(), i.phash(),
                        c.render(), CaptionSource.AUTO_LABEL, c.plainText(), c.core(), c.mood(), c.plain(), i.repeats()));
            }
        }
        return new Manifest(manifest.manifestVersion(), manifest.kind(), manifest.layout(), images, manifest.texts());
    }

    private static byte[] metadataCsv(Manifest manifest) {
        StringBuilder csv = new StringBuilder("filename,prompt\n");
        for (Manifest.Image i : manifest.images()) {
            csv.append(CsvWriter.row(List.of(i.path(), i.caption() == null ? "" : i.caption()))).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Problem problem(String file, String code, String message) {
        return Problem.newBuilder().setSeverity(Severity.WARNING).setCode(code).setFile(file).setLine(null)
                .setMessage(message).build();
    }
}
