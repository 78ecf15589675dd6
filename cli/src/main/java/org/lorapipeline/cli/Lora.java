package org.lorapipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code lora} command line. */
@Command(name = "lora", mixinStandardHelpOptions = true, version = "lora-pipeline 0.1.0",
        description = "Train LoRA adapters from a dataset folder and one YAML file, locally or through the event pipeline.",
        subcommands = {InitCommand.class, TrainCommand.class, TinyModelCommand.class, BenchCommand.class,
                UpCommand.class, DemoCommand.class, DatasetCommand.class, SubmitCommand.class, WatchCommand.class,
                CancelCommand.class, StatusCommand.class, EventsCommand.class,
                CaptionsCommand.class, LabelCommand.class,
                PullCommand.class, ModelsCommand.class,
                CommandLine.HelpCommand.class})
public final class Lora implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int status;
        try {
            status = commandLine().execute(args);
        } catch (RuntimeException | Error e) {
            // a bug, not a user error: show everything, and exit even though Kafka's threads are still alive
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** The configured command line; tests call this to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Lora());
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            // user-caused errors print one clear message; anything else keeps its stack trace for bug reports
            if (ex instanceof UserException) {
                cmd.getErr().println("lora: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
