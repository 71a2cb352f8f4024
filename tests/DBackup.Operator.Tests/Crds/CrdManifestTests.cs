using DBackup.Operator.Crds;
using DBackup.Operator.Entities;
using k8s;
using k8s.Models;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Crds;

/// <summary>
/// The committed CRDs in config/crd are generated from the entity types; these tests fail when the
/// two drift apart (CNPG's "run make manifests" check) and name the command that fixes it.
/// </summary>
public sealed class CrdManifestTests
{
    private static readonly string RepoRoot = RepoPaths.Root;

    /// <summary>Where the generated CRDs are committed: kustomize's config/crd and the Helm chart's crds/.</summary>
    public static TheoryData<string> CrdFolders() => new() { "config/crd", "charts/dbackup-operator/crds" };

    [Theory]
    [MemberData(nameof(CrdFolders))]
    public void GeneratedCrds_MatchCommittedFiles(string relativeFolder)
    {
        var update = Environment.GetEnvironmentVariable("DBACKUP_UPDATE_CRDS") == "1";
        var folder = Path.Combine(RepoRoot, relativeFolder);
        var fix = "run `DBACKUP_UPDATE_CRDS=1 dotnet test tests/DBackup.Operator.Tests --filter CrdManifestTests`";
        var generated = CrdGenerator.Generate().ToList();
        foreach (var crd in generated)
        {
            var path = Path.Combine(folder, CrdGenerator.FileName(crd));
            var expected = CrdGenerator.ToYaml(crd);
            if (update)
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(path, expected);
                continue;
            }

            Assert.True(File.Exists(path), $"{path} is missing: {fix}");
            Assert.True(expected == File.ReadAllText(path), $"{path} differs from the entity types: {fix}");
        }

        // No CRD of a kind that no longer exists stays behind (helm would still install it).
        var names = generated.Select(CrdGenerator.FileName).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileName).Where(f => !names.Contains(f!)).ToList();
        Assert.True(stale.Count == 0, $"{relativeFolder} holds CRDs the types no longer generate: {string.Join(", ", stale)}");
    }

    [Fact]
    public void Generate_DescribesEveryPropertyOfOurTypes()
    {
        foreach (var crd in CrdGenerator.Generate())
        {
            var missing = new List<string>();
            Walk(crd.Spec.Versions[0].Schema.OpenAPIV3Schema, crd.Spec.Names.Kind, missing);
            Assert.True(missing.Count == 0, "properties without a description: " + string.Join(", ", missing));
        }
    }

    [Fact]
    public void Generate_PolicyHasValidationDefaultsColumnsAndStatus()
    {
        var crd = CrdGenerator.Generate().Single(c => c.Spec.Names.Kind == ApiGroup.MetaBackupPolicyKind);
        var version = crd.Spec.Versions.Single();
        var spec = version.Schema.OpenAPIV3Schema.Properties["spec"];

        Assert.Equal("metabackuppolicies.dbackup.io", crd.Metadata.Name);
        Assert.Equal(["mbp"], crd.Spec.Names.ShortNames);
        Assert.Equal(["dbackup"], crd.Spec.Names.Categories);
        Assert.NotNull(version.Subresources.Status);
        Assert.Contains("schedule", spec.Required);
        Assert.Contains("sources", spec.Required);
        Assert.Equal(1, spec.Properties["sources"].MinItems);
        Assert.Contains(spec.XKubernetesValidations, r => r.Rule.Contains("encryptionProfileRef", StringComparison.Ordinal));
        Assert.Contains(spec.Properties["destination"].XKubernetesValidations, r => r.Message.Contains("exactly one", StringComparison.Ordinal));
        Assert.Equal(["gzip", "none"], spec.Properties["compression"].Properties["algorithm"].EnumProperty.Select(e => e.ToString()));
        Assert.Equal(["Schedule", "Last Backup", "Status", "Age"], version.AdditionalPrinterColumns.Select(c => c.Name));
        Assert.Equal("date-time", version.Schema.OpenAPIV3Schema.Properties["status"].Properties["lastScheduleTime"].Format);
    }

    [Fact]
    public void Generate_RestoreDefaultsToMergeWithSafetyBackup()
    {
        var crd = CrdGenerator.Generate().Single(c => c.Spec.Names.Kind == ApiGroup.MetaBackupRestoreKind);
        var spec = crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"];

        Assert.Equal("Merge", spec.Properties["mode"].DefaultProperty);
        Assert.True(spec.Properties["safetyBackup"].DefaultProperty is true);
        Assert.Equal(["Merge", "Overwrite"], spec.Properties["mode"].EnumProperty.Select(e => e.ToString()));
        Assert.Equal("object", spec.Properties["namespaceMapping"].Type);
        Assert.Equal("string", spec.Properties["namespaceMapping"].AdditionalProperties is V1JSONSchemaProps p ? p.Type : null);
    }

    [Fact]
    public void CommittedCrds_RoundTripThroughKubernetesYaml()
    {
        foreach (var path in Directory.GetFiles(Path.Combine(RepoRoot, "config", "crd"), "*.yaml"))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(path), strict: true);
            Assert.Equal("apiextensions.k8s.io/v1", crd.ApiVersion);
            Assert.EndsWith("." + ApiGroup.Group, crd.Metadata.Name, StringComparison.Ordinal);
        }
    }

    private static void Walk(V1JSONSchemaProps schema, string path, List<string> missing)
    {
        if (schema.Properties is null)
        {
            return;
        }

        foreach (var (name, child) in schema.Properties)
        {
            var childPath = $"{path}.{name}";
            var isStandard = name is "apiVersion" or "kind" or "metadata" || path.EndsWith(".conditions", StringComparison.Ordinal);
            if (!isStandard && string.IsNullOrWhiteSpace(child.Description))
            {
                missing.Add(childPath);
            }

            Walk(child, childPath, missing);
            if (child.Items is V1JSONSchemaProps items)
            {
                Walk(items, childPath, missing);
            }
        }
    }
}
