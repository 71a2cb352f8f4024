using System.CommandLine;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Operator.Restore;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup restore FILE</c>: the operator's restore engine, run from a workstation against the cluster of a
/// kubeconfig (a fresh cluster with no operator yet). The backup is verified completely before the first write;
/// the plan or the results are printed as a table; exit 0 only when every object is in place (or, for
/// <c>--dry-run</c>, planned without a failure).
/// </summary>
internal static class RestoreCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Backup file: a local path or s3://bucket/prefix/policy/name.tar.gz[.enc]; its .meta.json, when next to it, is checked too" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: KUBECONFIG, ~/.kube/config or in-cluster)", HelpName = "F" };
        var keys = KeyOptions.Create();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (with field diffs) and validate it with the server's dryRun=All; change nothing" };
        var mode = new Option<RestoreMode>("--mode") { Description = "Merge keeps existing objects; Overwrite replaces them", DefaultValueFactory = _ => RestoreMode.Merge };
        var components = Many("--component", "Only objects of this component (repeatable)", "C");
        var include = Many("--include-resource", "Only this resource: plural or plural.group (repeatable)", "R");
        var exclude = Many("--exclude-resource", "Leave out this resource (repeatable)", "R");
        var namespaces = Many("--include-namespace", "Only objects of this namespace, as named in the backup (repeatable)", "NS");
        var maps = Many("--namespace-map", "Restore namespace FROM as TO: objects and the namespace itself (repeatable)", "FROM=TO");
        var safety = new Option<string?>("--safety-backup") { Description = "Before changing anything, back up the live state of every object the restore replaces into DEST (folder or s3://bucket/prefix), encrypted with the first key", HelpName = "DEST" };
        var parallelism = new Option<int>("--parallelism") { Description = "Writes in flight at once (1-64)", DefaultValueFactory = _ => RestoreEngine.DefaultParallelism };
        var output = Output.Format("Output format: a table, or the plan/result as one JSON document (same exit codes)");
        var command = new Command("restore", "Restore a backup into the cluster of a kubeconfig (no operator needed)")
        {
            file, kubeconfig, keys, dryRun, mode, components, include, exclude, namespaces, maps, safety, parallelism, output,
        };
        Locations.AddS3Options(command);

        CliRunner.SetRun(command, context, async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            var selection = new RestoreSelection
            {
                Components = parse.GetValue(components) ?? [],
                IncludeResources = parse.GetValue(include) ?? [],
                ExcludeResources = parse.GetValue(exclude) ?? [],
                IncludeNamespaces = parse.GetValue(namespaces) ?? [],
                NamespaceMapping = Mapping(parse.GetValue(maps) ?? []),
            };
            var ring = KeyOptions.Load(context, parse.GetValue(keys));
            var location = Locations.Backup(context, parse, path);
            var safetyDestination = parse.GetValue(safety) is { } dest ? Locations.Destination(context, parse, dest, create: true) : null;
            var config = ClusterConnection.Connect(parse.GetValue(kubeconfig));
            try
            {
                using var client = new k8s.Kubernetes(config);
                var request = new RestoreRequest
                {
                    Source = location.Destination,
                    Backup = location.Key,
                    AcceptPayloadWithoutMeta = true,
                    Keys = ring,
                    Mode = parse.GetValue(mode),
                    Selection = selection,
                    DryRun = parse.GetValue(dryRun),
                    Parallelism = parse.GetValue(parallelism),
                    SafetyBackup = safetyDestination is null ? null : new SafetyBackupTarget
                    {
                        Destination = safetyDestination, Key = ring.Current, Cluster = client.BaseUri.ToString(),
                    },
                };
                var result = await new RestoreEngine(new KubeApi(client)).RunAsync(request, ct).ConfigureAwait(false);
                return parse.GetValue(output) == "json" ? RestoreReport.PrintJson(context, result) : RestoreReport.Print(context, path, result);
            }
            finally
            {
                (safetyDestination as IDisposable)?.Dispose();
                (location.Destination as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    private static Option<string[]> Many(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrMore };

    private static Dictionary<string, string> Mapping(IEnumerable<string> pairs)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw CliException.Usage($"--namespace-map '{pair}' is not FROM=TO");
            }

            if (!mapping.TryAdd(parts[0], parts[1]))
            {
                throw CliException.Usage($"--namespace-map maps '{parts[0]}' twice");
            }
        }

        try
        {
            new RestoreSelection { NamespaceMapping = mapping }.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }

        return mapping;
    }
}
