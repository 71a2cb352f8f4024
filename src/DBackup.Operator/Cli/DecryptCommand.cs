using System.CommandLine;
using DBackup.Pipeline;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup decrypt FILE --key-file K --out F</c>: the verified plain <c>.tar.gz</c>.
/// </summary>
/// <remarks>
/// The output is written to a private temp file next to F and renamed only after the reader's second pass
/// matched the verified first one, so a file at F is always complete; on failure the temp file is deleted.
/// F gets mode 0600 because the archive may hold Secret values.
/// </remarks>
internal static class DecryptCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Backup file: a local path or s3://bucket/prefix/policy/name.tar.gz.enc" };
        var keys = KeyOptions.Create();
        var outOption = new Option<string>("--out") { Description = "Where to write the plain .tar.gz (mode 0600)", Required = true, HelpName = "F" };
        var force = new Option<bool>("--force") { Description = "Replace F if it exists" };
        var command = new Command("decrypt", "Write the verified, decrypted .tar.gz of a backup")
        {
            file, keys, outOption, force,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var target = Path.GetFullPath(parse.GetRequiredValue(outOption));
            if (Directory.Exists(target))
            {
                throw new CliException($"{parse.GetRequiredValue(outOption)} is a folder; give a file name");
            }

            if (File.Exists(target) && !parse.GetValue(force))
            {
                throw new CliException($"{parse.GetRequiredValue(outOption)} already exists; use --force to replace it");
            }

            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            BackupVerification result;
            using (var progress = new Progress(context, "decrypting"))
            {
                var (reader, _) = await BackupFiles.OpenAsync(context, parse, path, ring, progress, ct).ConfigureAwait(false);
                result = await BackupFiles.Guard(path, () => PrivateFile.WriteAsync(target, parse.GetValue(force), s => reader.DecryptToAsync(s, ct)))
                    .ConfigureAwait(false);
            }

            context.Out.WriteLine($"Wrote {target}: {result.Compression} tar of {result.Objects} objects, verified" +
                (result.Encrypted ? $" (decrypted with key {result.KeyId})" : " (the backup was not encrypted)"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
