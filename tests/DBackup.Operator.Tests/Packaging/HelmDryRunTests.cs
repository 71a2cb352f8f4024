namespace DBackup.Operator.Tests.Packaging;

/// <summary>Every object the chart renders (CRDs included) is accepted by an API server: server-side dry run, strict fields.</summary>
[Collection(PackagingCollection.Name)]
public sealed class HelmDryRunTests(PackagingClusterFixture cluster)
{
    [Theory]
    [MemberData(nameof(HelmChart.VariantNames), MemberType = typeof(HelmChart))]
    public async Task RenderedObjects_AreAcceptedByTheApiServer(string variant)
    {
        var rendered = await HelmChart.TemplateAsync(variant, "--include-crds");
        Assert.Equal(3, rendered.OfKind("CustomResourceDefinition").Count());

        await cluster.EnsureNamespacesAsync(HelmChart.NamespacesOf(rendered));
        await cluster.DryRunApplyAsync(rendered.Objects);
    }
}
