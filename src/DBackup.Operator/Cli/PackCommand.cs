using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup pack DIR --dest DEST</c>: a backup made from a folder of YAML/JSON manifests, the inverse of <c>export</c>.
/// </summary>
internal static class PackCommand
{
    /// <summary>Component name used when <c>--component</c> is not given.</summary>
    public const string DefaultComponent = "manifests";

    private const string SecretsNeedKey = "--include-secrets needs --key-file or DBACKUP_KEY: Secret values must not be written unencrypted";

    public static Command Create(CliContext context)
    {
        var dir = new Argument<string>("DIR") { Description = "Folder of *.yaml, *.yml and *.json manifests (read recursively)" };
        var dest = new Option<string>("--dest") { Description = "Destination folder or s3://bucket/prefix", Required = true, HelpName = "DEST" };
        var name = new Option<string?>("--name") { Description = "Policy name of the backup (default: the folder name as a DNS label)", HelpName = "N" };
        var keys = KeyOptions.Create(description: "Encrypt with this key file (default: DBACKUP_KEY; without a key the backup is not encrypted)");
        var includeSecrets = new Option<bool>("--include-secrets") { Description = "Keep Secret values (refused without a key); default: redact them" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for namespaced objects that have none (default: default)", HelpName = "NS" };
        var component = new Option<string?>("--component") { Description = $"Component name inside the backup (default: {DefaultComponent})", HelpName = "C" };
        var command = new Command("pack", "Make a backup from a folder of manifests (the inverse of export)")
        {
            dir, dest, name, keys, includeSecrets, ns, component,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var folder = parse.GetRequiredValue(dir);
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            var withSecrets = parse.GetValue(includeSecrets);
            if (withSecrets && ring.Current is null)
            {
                throw CliException.Usage(SecretsNeedKey);
            }

            var policy = parse.GetValue(name) ?? ManifestObjects.ToDnsLabel(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
            var componentName = parse.GetValue(component) ?? DefaultComponent;
            var defaultNamespace = parse.GetValue(ns) ?? "default";
            CheckNames(policy, componentName, defaultNamespace);

            var destArgument = parse.GetRequiredValue(dest);

            // A destination inside the folder (pack . --dest ./backups) holds meta.json files, not manifests.
            var exclude = S3Options.IsS3(destArgument) ? [] : new[] { destArgument };
            var objects = Collect(ManifestLoader.LoadFolder(folder, exclude), componentName, defaultNamespace, withSecrets, out var summary, out var guessed);
            foreach (var guess in guessed)
            {
                context.Warn($"{guess} is not a known kind: guessed its resource name and a namespaced scope; add its CustomResourceDefinition to {folder} for exact names");
            }

            if (objects.Count == 0)
            {
                throw new CliException($"{folder} holds no Kubernetes objects (*.yaml, *.yml, *.json)");
            }

            var destination = Locations.Destination(context, parse, destArgument, create: true);
            var request = new BackupRequest
            {
                Policy = policy,
                Trigger = "pack",
                Key = ring.Current,
                IncludesSecrets = withSecrets,
                Cluster = null,
            };

            BackupResult result;
            using (var progress = new Progress(context, "packing"))
            {
                result = await new BackupPipeline().WriteAsync(request, Stream(objects, progress, ct), new ProgressDestination(destination, progress), ct)
                    .ConfigureAwait(false);
            }

            var meta = result.Meta;
            context.Out.WriteLine($"Packed {meta.Objects} objects from {folder} into {destination.Location}");
            context.Out.WriteLine($"  backup:     {result.PayloadKey}");
            context.Out.WriteLine($"  objects:    {meta.Objects} ({summary})");
            context.Out.WriteLine($"  size:       {Output.Size(meta.Sizes.PayloadBytes)} ({meta.Sizes.PayloadBytes} bytes)");
            context.Out.WriteLine($"  sha256:     {meta.Sha256}");
            context.Out.WriteLine($"  encryption: {(meta.Encryption.Enabled ? $"{meta.Encryption.Algorithm}, keyId {meta.Encryption.KeyId}" : "none")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Identifies, redacts and de-duplicates the loaded documents.</summary>
    /// <exception cref="ManifestException">An object is incomplete or appears twice.</exception>
    internal static List<(ObjectRef Ref, JsonObject Object)> Collect(
        IReadOnlyList<ManifestDocument> documents, string component, string defaultNamespace, bool includeSecrets, out string summary,
        out IReadOnlyList<string> guessed)
    {
        var names = new ResourceNames();
        foreach (var doc in documents)
        {
            names.Learn(doc.Object);
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var guesses = new SortedSet<string>(StringComparer.Ordinal);
        var result = new List<(ObjectRef, JsonObject)>();
        int secrets = 0;
        foreach (var doc in documents)
        {
            var (objectRef, obj) = ManifestObjects.Identify(doc, names, component, defaultNamespace);
            if (!seen.TryAdd(objectRef.ArchivePath, doc.Location))
            {
                throw new ManifestException($"{doc.Location}: {objectRef} is defined twice (first at {seen[objectRef.ArchivePath]})");
            }

            var resource = names.Resolve(objectRef.ApiVersion, objectRef.Kind);
            if (resource.IsGuess)
            {
                guesses.Add($"{objectRef.ApiVersion} {objectRef.Kind} (as {resource.Resource})");
            }

            if (SecretRedactor.IsSecret(obj))
            {
                secrets++;
                obj = includeSecrets ? obj : SecretRedactor.Redact(obj);
            }

            result.Add((objectRef, obj));
        }

        guessed = [.. guesses];
        summary = secrets == 0 ? "no Secrets" : includeSecrets ? $"{secrets} Secrets with values" : $"{secrets} Secrets redacted";
        return result;
    }

    private static void CheckNames(string policy, string component, string ns)
    {
        if (!ManifestObjects.IsDnsLabel(policy) || policy.Length > 40)
        {
            throw CliException.Usage($"backup name '{ManifestObjects.Printable(policy)}' must be a DNS label of at most 40 characters (lowercase letters, digits, '-'); use --name");
        }

        if (!ManifestObjects.IsDnsLabel(component))
        {
            throw CliException.Usage($"--component '{ManifestObjects.Printable(component)}' must be a DNS label");
        }

        if (!ManifestObjects.IsDnsLabel(ns))
        {
            throw CliException.Usage($"--namespace '{ManifestObjects.Printable(ns)}' is not a valid namespace name");
        }
    }

    private static async IAsyncEnumerable<BackupObject> Stream(
        List<(ObjectRef Ref, JsonObject Object)> objects, Progress progress, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var (objectRef, obj) in objects)
        {
            ct.ThrowIfCancellationRequested();
            progress.AddObject();
            yield return new BackupObject(objectRef, JsonSerializer.SerializeToUtf8Bytes(obj));
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
