using System.CommandLine;
using DBackup.Operator.Demo;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup demo [--dir D] [--exit]</c>: the whole product on one machine with no cluster. The dev
/// cluster and the in-process operator keep running after the story, for kubectl, until Ctrl+C (or not at all with --exit).
/// </summary>
internal static class DemoCommand
{
    /// <summary>Marks a folder as the demo's own, so a rerun may clear it; any other non-empty folder is left alone.</summary>
    internal const string Marker = ".dbackup-demo";

    public static Command Create(CliContext context)
    {
        var dir = new Option<string>("--dir") { Description = "Working folder for the key, backups and kubeconfig", DefaultValueFactory = _ => "dbackup-demo", HelpName = "D" };
        var exit = new Option<bool>("--exit") { Description = "Stop after the story instead of keeping the dev cluster and the operator running" };
        var command = new Command("demo", "Back up and restore a demo application on the embedded dev cluster, and tell what happened") { dir, exit };

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var folder = PrepareFolder(Path.GetFullPath(parse.GetValue(dir)!));
            await using var session = await new DemoStory(context.Out).RunAsync(folder, ct).ConfigureAwait(false);
            if (parse.GetValue(exit))
            {
                return ExitCodes.Ok;
            }

            context.Out.WriteLine();
            context.Out.WriteLine("The dev cluster and the operator keep running; press Ctrl+C to stop.");
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how this command is meant to end.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string PrepareFolder(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!File.Exists(Path.Combine(folder, Marker)))
            {
                throw CliException.Usage($"{folder} is not empty and was not made by the demo; choose another --dir");
            }

            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Marker), "Made by `dbackup demo`; the next run clears this folder.\n");
        return folder;
    }
}
