using System.CommandLine;
using DBackup.Operator.Manifests;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup rekey DEST --key-file OLD --new-key-file NEW</c>: re-encrypts every backup (or one policy's)
/// under a new key after a rotation. One failing backup does not stop the others; the exit code is 1 if any failed.
/// </summary>
internal static class RekeyCommand
{
    public static Command Create(CliContext context)
    {
        var dest = new Argument<string>("DEST") { Description = "Destination folder or s3://bucket/prefix" };
        var oldKeys = KeyOptions.Create(description: "Current key file(s) of the backups; repeat for several (default: DBACKUP_KEY)");
        var newKey = new Option<string>("--new-key-file") { Description = "The new key file (from 'dbackup keygen')", Required = true, HelpName = "NEW" };
        var policy = new Option<string?>("--policy") { Description = "Only backups of this policy", HelpName = "P" };
        var command = new Command("rekey", "Re-encrypt the backups in a destination under a new key")
        {
            dest, oldKeys, newKey, policy,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var policyName = parse.GetValue(policy);
            if (policyName is not null && !ManifestObjects.IsDnsLabel(policyName))
            {
                throw CliException.Usage($"--policy '{policyName}' is not a valid policy name");
            }

            var ring = KeyOptions.Load(context, parse.GetValue(oldKeys));
            var target = KeyOptions.LoadFile(context, parse.GetRequiredValue(newKey));
            var destination = Locations.Destination(context, parse, parse.GetRequiredValue(dest), create: false);
            var backups = await BackupCatalog.ListAsync(destination, policyName, ct).ConfigureAwait(false);
            if (backups.Count == 0)
            {
                context.Err.WriteLine($"No backups in {destination.Location}{(policyName is null ? string.Empty : $" for policy {policyName}")}.");
                return ExitCodes.Ok;
            }

            var rekeyer = new BackupRekeyer();
            int done = 0, skipped = 0, failed = 0;

            // Oldest first: if the run is interrupted, the newest backups still open with the old key the operator uses.
            foreach (var backup in backups.Reverse())
            {
                if (!backup.IsRestorable)
                {
                    failed++;
                    context.Out.WriteLine($"FAILED   {backup.Name}: not a complete backup ({backup.Problem ?? backup.State.ToString()})");
                    continue;
                }

                try
                {
                    using var progress = new Progress(context, $"re-encrypting {backup.Name}");
                    var result = await rekeyer.RekeyAsync(new ProgressDestination(destination, progress), backup.PayloadKey, ring, target, cancellationToken: ct)
                        .ConfigureAwait(false);
                    if (result.Skipped)
                    {
                        skipped++;
                        context.Out.WriteLine($"skipped  {backup.Name}: already encrypted with key {target.KeyId}");
                    }
                    else
                    {
                        done++;
                        var from = backup.Meta?.Encryption is { Enabled: true, KeyId: { } old } ? $"key {old}" : "unencrypted";
                        context.Out.WriteLine($"rekeyed  {backup.Name}: {from} -> key {target.KeyId} ({result.PayloadKey})");
                    }
                }
                catch (Exception ex) when (ex is InvalidBackupException or BackupNotFoundException or IOException or ArgumentException)
                {
                    failed++;
                    context.Out.WriteLine($"FAILED   {backup.Name}: {ex.Message.ReplaceLineEndings(" ")}");
                }
            }

            context.Out.WriteLine($"{done} re-encrypted, {skipped} already on the new key, {failed} failed");
            if (failed > 0)
            {
                context.Err.WriteLine($"dbackup: {failed} backup(s) could not be re-encrypted; they still need the old key");
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
