using System.CommandLine;
using DBackup.Pipeline;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup verify FILE</c>: full decrypt + decompress + checksum verification; exit 0 only if all holds.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Backup file: a local path or s3://bucket/prefix/policy/name.tar.gz[.enc]" };
        var keys = KeyOptions.Create();
        var command = new Command("verify", "Decrypt, decompress and check every checksum of a backup; exit 0 only if all holds")
        {
            file, keys,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            BackupVerification result;
            BackupMeta? meta;
            using (var progress = new Progress(context, "verifying"))
            {
                var (reader, _) = await BackupFiles.OpenAsync(context, parse, path, ring, progress, ct).ConfigureAwait(false);
                meta = reader.Meta;
                result = await BackupFiles.Guard(path, () => reader.VerifyAsync(ct)).ConfigureAwait(false);
            }

            var encryption = result.Encrypted ? $"encrypted with key {result.KeyId}" : "not encrypted";
            context.Out.WriteLine(
                $"OK {path}: {result.Objects} objects in {result.Manifest.Components.Count} component(s), " +
                $"{Output.Size(result.PayloadBytes)}, {encryption}, sha256 {result.PayloadSha256}");
            if (meta is null)
            {
                context.Warn($"{path} has no meta.json next to it; the payload is intact, but the backup would not be listed as complete");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
