package org.lorapipeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lorapipeline.core.caption.CaptionFinding;
import org.lorapipeline.core.caption.CaptionLinter;
import org.lorapipeline.core.caption.CaptionReport;
import org.lorapipeline.core.clip.ClipTokenizer;
import org.lorapipeline.core.clip.ClipTokenizerLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lora captions lint|report DIR}: checks and statistics for a dataset's metadata.csv captions. */
@Command(name = "captions", description = "Check and summarise the captions in a dataset's metadata.csv.",
        subcommands = {CaptionsCommand.Lint.class, CaptionsCommand.Report.class})
public final class CaptionsCommand {
    @Command(name = "lint", description = "Report caption problems as file:line:col: message; exit 1 on errors.")
    static final class Lint implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Dataset folder with metadata.csv (filename,prompt).")
        Path dir;

        @Option(names = "--tokenizer", paramLabel = "DIR",
                description = "Folder with the CLIP tokenizer's vocab.json + merges.txt (default: the Hugging Face"
                        + " cache's " + ClipTokenizerLocator.DEFAULT_REPO + ").")
        Path tokenizer;

        @Option(names = "--warnings-as-errors", description = "Exit 1 on warnings too.")
        boolean strict;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new UserException(dir + " is not a folder; pass the dataset folder holding metadata.csv");
            }
            PrintWriter out = spec.commandLine().getOut();
            ClipTokenizer tok = tokenizer(out);
            List<CaptionFinding> findings = new CaptionLinter(tok).lint(dir);
            findings.forEach(out::println);
            long errors = findings.stream().filter(CaptionFinding::isError).count();
            out.printf("%d error(s), %d warning(s)%n", errors, findings.size() - errors);
            return errors > 0 || (strict && !findings.isEmpty()) ? 1 : 0;
        }

        private ClipTokenizer tokenizer(PrintWriter out) throws IOException {
            try {
                return new ClipTokenizerLocator().load(tokenizer, null);
            } catch (IllegalArgumentException e) {
                if (tokenizer != null) {
                    throw new UserException("--tokenizer " + tokenizer + ": " + e.getMessage(), e);
                }
                out.println("note: caption length check skipped: no CLIP tokenizer found (looked for "
                        + ClipTokenizerLocator.DEFAULT_REPO + " in the Hugging Face cache); pass --tokenizer DIR"
                        + " with vocab.json + merges.txt to check the " + CaptionLinter.MAX_CONTENT_TOKENS
                        + "-token limit");
                return null;
            }
        }
    }

    @Command(name = "report", description = "Tag frequencies (as kohya's ss_tag_frequency) and core/mood coverage.")
    static final class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Dataset folder with metadata.csv (filename,prompt).")
        Path dir;

        @Option(names = "--csv", paramLabel = "OUT", description = "Also write the report as CSV to this file.")
        Path csv;

        @Option(names = "--top", defaultValue = "30",
                description = "Tags shown in the terminal, 0 for all (default: ${DEFAULT-VALUE}); the CSV has all.")
        int top;

        @Override
        public Integer call() throws IOException {
            CaptionReport report;
            try {
                report = CaptionReport.of(dir);
            } catch (IOException e) {
                throw new UserException(e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(report.table(top));
            if (csv != null) {
                Files.writeString(csv, report.csv(), StandardCharsets.UTF_8);
                out.println("wrote " + csv);
            }
            return 0;
        }
    }
}
