using DBackup.Operator.Crds;
using DBackup.Operator.Entities;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Docs;

/// <summary>
/// docs/crd-reference.md is generated from the same CRDs as config/crd. The golden test's name contains
/// "CrdManifestTests" on purpose: the documented regenerate command (<c>--filter CrdManifestTests</c>) then
/// rewrites the reference together with the CRDs, so nobody has to know a second command.
/// </summary>
public sealed class CrdReferenceTests
{
    private const string Regenerate = "run `DBACKUP_UPDATE_CRDS=1 dotnet test tests/DBackup.Operator.Tests --filter CrdManifestTests`";

    [Fact]
    public void CrdManifestTests_GeneratedReference_MatchesCommittedDoc()
    {
        var path = RepoPaths.Of(CrdReference.RelativePath.Split('/'));
        var expected = CrdReference.Render(CrdGenerator.Generate());
        if (Environment.GetEnvironmentVariable("DBACKUP_UPDATE_CRDS") == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing: {Regenerate}");
        Assert.True(expected == File.ReadAllText(path), $"{path} differs from the entity types: {Regenerate}");
    }

    [Fact]
    public void Render_ListsEveryKindAndSchemaField()
    {
        var crds = CrdGenerator.Generate();
        var md = CrdReference.Render(crds);

        foreach (var crd in crds)
        {
            Assert.Contains($"\n## {crd.Spec.Names.Kind}\n", md, StringComparison.Ordinal);
            var spec = crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"];
            foreach (var field in spec.Properties.Keys)
            {
                Assert.Contains($"| `spec.{field}` |", md, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Render_ShowsDefaultsEnumsRequiredAndRules()
    {
        var md = CrdReference.Render(CrdGenerator.Generate());

        Assert.Matches(@"\| `spec\.mode` \| string \| .*Default: `Merge`\. One of `Merge`, `Overwrite`\.", md);
        Assert.Matches(@"\| `spec\.schedule` \| string \| \*\*Required\.\*\*", md);
        Assert.Matches(@"\| `spec\.sources\[\]\.kubernetes\.resources` \| \[\]string \| \*\*Required\.\*\*.*Min items 1\.", md);
        Assert.Matches(@"\| `spec\.namespaceMapping` \| map\[string\]string \|", md);
        Assert.Contains("includeSecrets requires encryptionProfileRef", md, StringComparison.Ordinal);
        Assert.Contains("short name `mbp`", md, StringComparison.Ordinal);
        Assert.Contains($"`apiVersion: {ApiGroup.ApiVersion}`", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EscapesPipesInCelRules_SoTablesKeepTheirColumns()
    {
        var md = CrdReference.Render(CrdGenerator.Generate());

        foreach (var row in md.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var unescaped = row.Replace("\\|", string.Empty, StringComparison.Ordinal).Count(c => c == '|');
            Assert.True(unescaped == 4, $"row has {unescaped - 1} columns instead of 3: {row}");
        }
    }

    [Fact]
    public void Render_EscapesAngleBrackets_SoDescriptionsAreNotSwallowedAsHtml()
    {
        var md = CrdReference.Render(CrdGenerator.Generate());
        var body = md[(md.IndexOf("-->", StringComparison.Ordinal) + 3)..];
        var prose = System.Text.RegularExpressions.Regex.Replace(body, "`[^`]*`", string.Empty);

        Assert.Contains("&lt;prefix&gt;", prose, StringComparison.Ordinal);
        Assert.DoesNotContain("<", prose, StringComparison.Ordinal);
    }
}
