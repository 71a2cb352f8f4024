using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup inspect FILE</c>: the meta.json (readable without a key) and the manifest (components,
/// resources, counts, checksums; needs the key when the backup is encrypted). Entries are not verified: use <c>verify</c>.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Backup file: a local path or s3://bucket/prefix/policy/name.tar.gz[.enc]" };
        var keys = KeyOptions.Create();
        var objects = new Option<bool>("--objects") { Description = "Also list every object with its size and SHA-256" };
        var output = Output.Format();
        var command = new Command("inspect", "Show a backup's meta.json and manifest: components, counts, checksums")
        {
            file, keys, objects, output,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            var (reader, location) = await BackupFiles.OpenAsync(context, parse, path, ring, progress: null, ct).ConfigureAwait(false);
            var meta = reader.Meta;

            // The header is authoritative and needs no key: a meta.json that contradicts it is refused before any output.
            var encryption = await BackupFiles.Guard(path, () => reader.ReadEncryptionAsync(ct)).ConfigureAwait(false);
            BackupInspection? inspection = null;
            string? manifestProblem = null;
            if (encryption is { Enabled: true, KeyId: { } keyId } && !ring.TryGet(keyId, out _))
            {
                manifestProblem = $"encrypted with key {keyId}; pass --key-file with that key to show the manifest";
            }
            else
            {
                inspection = await BackupFiles.Guard(path, () => reader.InspectAsync(ct)).ConfigureAwait(false);
            }

            if (parse.GetValue(output) == "json")
            {
                var json = new JsonObject
                {
                    ["backup"] = location.Display,
                    ["meta"] = meta is null ? null : JsonSerializer.SerializeToNode(meta, Output.Json),
                    ["manifest"] = inspection is null ? null : JsonSerializer.SerializeToNode(inspection.Manifest, Output.Json),
                    ["problem"] = manifestProblem,
                };
                context.Out.WriteLine(json.ToJsonString(Output.Json));
                return ExitCodes.Ok;
            }

            context.Out.WriteLine($"Backup:      {location.Display}");
            if (meta is null)
            {
                context.Out.WriteLine("Meta:        none (no meta.json next to the payload: an incomplete upload, or a copied file)");
            }
            else
            {
                WriteMeta(context.Out, meta);
            }

            if (inspection is null)
            {
                context.Out.WriteLine($"Manifest:    not shown: {manifestProblem}");
                return ExitCodes.Ok;
            }

            WriteManifest(context.Out, inspection, parse.GetValue(objects));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteMeta(TextWriter o, BackupMeta meta)
    {
        o.WriteLine($"Name:        {meta.Name}");
        o.WriteLine($"Policy:      {meta.Policy} (trigger {meta.Trigger}{(meta.Cluster is null ? string.Empty : $", cluster {meta.Cluster}")})");
        o.WriteLine($"Created:     {Output.Time(meta.CreatedAt)}{(meta.CompletedAt is { } done ? $" (complete {Output.Time(done)})" : string.Empty)}");
        o.WriteLine($"Tool:        dbackup {meta.ToolVersion ?? "?"}, format {meta.FormatVersion}");
        o.WriteLine(meta.Encryption.Enabled
            ? $"Encryption:  {meta.Encryption.Algorithm}, keyId {meta.Encryption.KeyId}{(meta.Encryption.Profile is null ? string.Empty : $", profile {meta.Encryption.Profile}")}"
            : "Encryption:  none");
        o.WriteLine($"Compression: {meta.Compression.Algorithm}{(meta.Compression.Level is null ? string.Empty : $" ({meta.Compression.Level})")}");
        o.WriteLine($"Secrets:     {(meta.IncludesSecrets ? "included" : "redacted")}");
        o.WriteLine($"Size:        {Output.Size(meta.Sizes.PayloadBytes)} stored, {Output.Size(meta.Sizes.TarBytes)} uncompressed");
        o.WriteLine($"Objects:     {meta.Objects}{(meta.Components.Count == 0 ? string.Empty : " (" + string.Join(", ", meta.Components.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")) + ")")}");
        o.WriteLine($"SHA-256:     {meta.Sha256}");
    }

    private static void WriteManifest(TextWriter o, BackupInspection inspection, bool listObjects)
    {
        var manifest = inspection.Manifest;
        o.WriteLine($"Manifest:    {manifest.Objects} objects, {manifest.Components.Count} component(s), written {Output.Time(manifest.CreatedAt)} by {manifest.Tool} {manifest.ToolVersion}");
        o.WriteLine();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (componentName, component) in manifest.Components.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            rows.Add([componentName, "*", component.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture), component.Sha256]);
            foreach (var (resourceKey, resource) in component.Resources.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                rows.Add([componentName, resourceKey, resource.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture), resource.Sha256]);
            }
        }

        Output.Table(o, ["COMPONENT", "RESOURCE", "OBJECTS", "SHA256"], rows);
        if (listObjects)
        {
            o.WriteLine();
            Output.Table(o, ["PATH", "SIZE", "SHA256"],
                manifest.Entries.Select(e => (IReadOnlyList<string>)[e.Path, e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Sha256]));
        }
    }
}
