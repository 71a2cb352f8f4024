using DBackup.Operator.Entities;
using DBackup.Operator.Manifests;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Demo;

/// <summary>
/// Installs the repository's <c>config/samples</c> that make sense on a cluster with no S3 and no volumes:
/// the MetaBackupPolicies, suspended and without restore drills, so they show up in <c>kubectl get dbackup</c>
/// without ever trying to reach their bucket or folder. The MetaBackupRestore samples stay out (a restore runs
/// once, at once, and theirs point at backups that do not exist here), and so does the EncryptionProfileRef
/// sample (the demo makes a key of its own; the sample's Secret does not exist).
/// </summary>
internal static class DemoSamples
{
    /// <summary>What was done with the samples, for the story.</summary>
    /// <param name="Folder">The samples folder, or null when this build runs outside a checkout.</param>
    /// <param name="Installed">Policies installed, as <c>namespace/name</c>.</param>
    /// <param name="LeftOut">Samples not installed, by kind.</param>
    public sealed record Result(string? Folder, IReadOnlyList<string> Installed, IReadOnlyDictionary<string, int> LeftOut);

    /// <summary>Finds <c>config/samples</c> above the program or the working folder (a checkout), or null.</summary>
    public static string? FindFolder()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "config", "samples");
                if (File.Exists(Path.Combine(dir.FullName, "DBackup.sln")) && Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Installs the policy samples of <paramref name="folder"/> (suspended, drills off); returns what it did.</summary>
    public static async Task<Result> InstallAsync(IKubernetes client, string? folder, CancellationToken ct)
    {
        var installed = new List<string>();
        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (folder is null)
        {
            return new Result(null, installed, leftOut);
        }

        foreach (var file in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
            var kind = KubernetesYaml.Deserialize<KubernetesObject>(yaml).Kind ?? "unknown";
            if (kind != ApiGroup.MetaBackupPolicyKind)
            {
                leftOut[kind] = leftOut.GetValueOrDefault(kind) + 1;
                continue;
            }

            var policy = StrictManifest.Read<MetaBackupPolicy>(file, yaml);
            policy.Spec.Suspend = true;
            policy.Spec.Verify = null;
            var ns = policy.Metadata.NamespaceProperty ?? "default";
            await DemoWorld.CreateNamespaceAsync(client, ns, ct).ConfigureAwait(false);
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, cancellationToken: ct).ConfigureAwait(false);
            installed.Add($"{ns}/{policy.Metadata.Name}");
        }

        return new Result(folder, installed, leftOut);
    }
}
