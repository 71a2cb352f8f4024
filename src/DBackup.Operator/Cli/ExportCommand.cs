using System.CommandLine;
using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;
using DBackup.Pipeline;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup export FILE --out DIR</c>: a clean YAML tree <c>&lt;namespace or _cluster&gt;/&lt;kind&gt;/&lt;name&gt;.yaml</c>
/// for a GitOps repository. The backup is fully verified before the first file is written.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Backup file: a local path or s3://bucket/prefix/policy/name.tar.gz[.enc]" };
        var keys = KeyOptions.Create();
        var outOption = new Option<string>("--out") { Description = "Folder to write the YAML tree into (must be empty or missing)", Required = true, HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Write into a folder that is not empty (existing files with the same path are replaced)" };
        var component = new Option<string?>("--component") { Description = "Only objects of this component", HelpName = "C" };
        var command = new Command("export", "Write a backup's objects as a clean YAML tree (<namespace>/<kind>/<name>.yaml)")
        {
            file, keys, outOption, force, component,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var outDir = parse.GetRequiredValue(outOption);
            var onlyComponent = parse.GetValue(component);
            var writer = new ExportTreeWriter(outDir, parse.GetValue(force));
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            using (var progress = new Progress(context, "exporting"))
            {
                var (reader, _) = await BackupFiles.OpenAsync(context, parse, path, ring, progress, ct).ConfigureAwait(false);
                try
                {
                    await BackupFiles.Guard(path, async () =>
                    {
                        await foreach (var obj in reader.ReadObjectsAsync(ct).ConfigureAwait(false))
                        {
                            if (onlyComponent is not null && obj.Ref.Component != onlyComponent)
                            {
                                continue;
                            }

                            var json = JsonNode.Parse(obj.Json.Span) as JsonObject
                                ?? throw new InvalidBackupException($"{obj.Ref.ArchivePath} is not a JSON object");
                            writer.Write(obj.Ref, json);
                            progress.AddObject();
                        }

                        return 0;
                    }).ConfigureAwait(false);
                }
                catch
                {
                    writer.Rollback();
                    throw;
                }
            }

            context.Out.WriteLine($"Exported {writer.Count} objects to {Path.GetFullPath(outDir)}");
            if (writer.Count == 0 && onlyComponent is not null)
            {
                context.Warn($"the backup has no objects in component '{onlyComponent}' (see 'dbackup inspect')");
            }

            if (writer.SecretsWithValues > 0)
            {
                context.Warn($"{writer.SecretsWithValues} Secret(s) were written with their values (mode 0600); do not commit them unencrypted");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
