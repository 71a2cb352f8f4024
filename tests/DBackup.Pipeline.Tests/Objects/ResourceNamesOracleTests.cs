using System.Text.Json;
using DBackup.Pipeline.Objects;

namespace DBackup.Pipeline.Tests.Objects;

/// <summary>The built-in table the backup reader trusts for scope, against a real kube-apiserver 1.32's discovery.</summary>
public sealed class ResourceNamesOracleTests
{
    private static string DiscoveryFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DBackup.sln")))
            {
                return Path.Combine(dir.FullName, "..", "shared", "k8s-1.32", "discovery");
            }
        }

        throw new DirectoryNotFoundException("DBackup.sln not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string, string, string, bool> ServedResources()
    {
        var data = new TheoryData<string, string, string, bool>();
        var folder = DiscoveryFolder();
        foreach (var file in Directory.GetFiles(folder, "api*_v*.json").Where(f => !f.Contains("aggregated", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var groupVersion = document.RootElement.GetProperty("groupVersion").GetString()!;
            var group = groupVersion.Contains('/', StringComparison.Ordinal) ? groupVersion[..groupVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
            foreach (var resource in document.RootElement.GetProperty("resources").EnumerateArray())
            {
                var name = resource.GetProperty("name").GetString()!;
                if (!name.Contains('/', StringComparison.Ordinal))
                {
                    data.Add(group, name, resource.GetProperty("kind").GetString()!, resource.GetProperty("namespaced").GetBoolean());
                }
            }
        }

        return data;
    }

    [Fact]
    public void Discovery_ListsTheGroupsTheTableMustCover() =>
        Assert.True(ServedResources().Count() >= 50, "the k8s-1.32 discovery capture is missing or incomplete");

    [Theory]
    [MemberData(nameof(ServedResources))]
    public void KnownResource_MatchesKubeApiServer(string group, string resource, string kind, bool namespaced)
    {
        var scope = namespaced ? ResourceScope.Namespaced : ResourceScope.Cluster;

        Assert.Equal((kind, scope), ResourceNames.KnownResource(group, resource));
        Assert.Equal((resource, scope), ResourceNames.KnownKind(group, kind));
    }
}
