using DBackup.Operator.Backups;
using DBackup.Operator.Entities;
using k8s;

namespace DBackup.Operator.Tests.Docs;

/// <summary>
/// Every dbackup.io manifest shown in the docs (```yaml blocks) parses strictly into its entity type, so an example
/// never carries a field the CRD does not have; example policies also pass the operator's own spec check.
/// </summary>
public sealed class DocManifestTests
{
    [Fact]
    public void YamlExamples_ParseStrictly_AndPoliciesPassTheSpecCheck()
    {
        var problems = new List<string>();
        var seen = 0;
        foreach (var doc in DocFiles.All)
        {
            foreach (var (line, yaml) in YamlBlocks(DocFiles.Read(doc)))
            {
                foreach (var document in yaml.Split("\n---\n"))
                {
                    if (!document.Contains($"apiVersion: {ApiGroup.ApiVersion}", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    seen++;
                    try
                    {
                        Check(document);
                    }
                    catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
                    {
                        problems.Add($"{doc}:{line}: {e.Message}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, "examples in the docs that do not match the CRDs:\n" + string.Join("\n", problems));
        Assert.True(seen >= 3, $"only {seen} dbackup.io examples found in the docs");
    }

    [Fact]
    public void Check_RejectsUnknownFields()
    {
        var yaml = $"apiVersion: {ApiGroup.ApiVersion}\nkind: MetaBackupRestore\nmetadata: {{name: x, namespace: y}}\nspec:\n  policyRef: {{name: p}}\n  namespaceMap: {{a: b}}\n";
        Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => Check(yaml));
    }

    private static void Check(string yaml)
    {
        var kind = KubernetesYaml.Deserialize<KubernetesObject>(yaml).Kind;
        switch (kind)
        {
            case ApiGroup.EncryptionProfileRefKind:
                KubernetesYaml.Deserialize<EncryptionProfileRef>(yaml, strict: true);
                break;
            case ApiGroup.MetaBackupRestoreKind:
                KubernetesYaml.Deserialize<MetaBackupRestore>(yaml, strict: true);
                break;
            case ApiGroup.MetaBackupPolicyKind:
                var policy = KubernetesYaml.Deserialize<MetaBackupPolicy>(yaml, strict: true);
                if (PolicySpecCheck.FirstProblem(policy.Spec) is { } problem)
                {
                    throw new InvalidOperationException($"{problem.Reason}: {problem.Message}");
                }

                break;
            default:
                throw new InvalidOperationException($"unknown kind {kind}");
        }
    }

    private static IEnumerable<(int Line, string Yaml)> YamlBlocks(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```yaml")
            {
                continue;
            }

            var start = i + 1;
            var end = Array.FindIndex(lines, start, l => l.Trim() == "```");
            yield return (start + 1, string.Join('\n', lines[start..end]) + "\n");
            i = end;
        }
    }
}
