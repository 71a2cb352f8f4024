using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup list DEST</c>: the backups in a destination, newest first, from their meta.json alone.
/// Backups whose payload is gone or whose meta.json is unreadable are listed and flagged, never hidden.
/// </summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var dest = new Argument<string>("DEST") { Description = "Destination folder or s3://bucket/prefix" };
        var policy = new Option<string?>("--policy") { Description = "Only backups of this policy", HelpName = "P" };
        var output = Output.Format();
        var command = new Command("list", "List the backups in a destination, newest first")
        {
            dest, policy, output,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var destination = Locations.Destination(context, parse, parse.GetRequiredValue(dest), create: false);
            var policyName = parse.GetValue(policy);
            if (policyName is not null && !Manifests.ManifestObjects.IsDnsLabel(policyName))
            {
                throw CliException.Usage($"--policy '{policyName}' is not a valid policy name");
            }

            var backups = await BackupCatalog.ListAsync(destination, policyName, ct).ConfigureAwait(false);
            if (parse.GetValue(output) == "json")
            {
                var array = new JsonArray();
                foreach (var b in backups)
                {
                    array.Add(new JsonObject
                    {
                        ["name"] = b.Name,
                        ["policy"] = b.Policy,
                        ["createdAt"] = b.CreatedAt,
                        ["state"] = b.State.ToString(),
                        ["problem"] = b.Problem,
                        ["payloadKey"] = b.PayloadKey,
                        ["metaKey"] = b.MetaKey,
                        ["payloadSize"] = b.PayloadSize,
                        ["meta"] = b.Meta is null ? null : JsonSerializer.SerializeToNode(b.Meta, Output.Json),
                    });
                }

                context.Out.WriteLine(array.ToJsonString(Output.Json));
                return ExitCodes.Ok;
            }

            if (backups.Count == 0)
            {
                context.Err.WriteLine($"No backups in {destination.Location}{(policyName is null ? string.Empty : $" for policy {policyName}")}.");
                return ExitCodes.Ok;
            }

            Output.Table(context.Out, ["NAME", "CREATED", "OBJECTS", "SIZE", "ENCRYPTED", "SECRETS", "STATUS"], backups.Select(Row));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<string> Row(BackupInfo b)
    {
        var meta = b.Meta;
        var status = b.State switch
        {
            BackupState.Complete => "ok",
            BackupState.PayloadMissing => "payload missing",
            BackupState.MetaMissing => "meta.json missing",
            _ => "invalid: " + (b.Problem ?? "unreadable meta.json"),
        };
        return
        [
            b.Name,
            Output.Time(b.CreatedAt),
            meta is null ? "-" : meta.Objects.ToString(CultureInfo.InvariantCulture),
            meta is not null ? Output.Size(meta.Sizes.PayloadBytes) : b.PayloadSize is { } size ? Output.Size(size) : "-",
            meta is { Encryption.Enabled: true } ? meta.Encryption.KeyId ?? "yes" : "-",
            meta is null ? "-" : meta.IncludesSecrets ? "included" : "redacted",
            status,
        ];
    }
}
