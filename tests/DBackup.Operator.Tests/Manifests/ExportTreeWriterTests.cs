using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;
using DBackup.Pipeline.Archive;

namespace DBackup.Operator.Tests.Manifests;

public sealed class ExportTreeWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("dbackup-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Write_PutsObjectsUnderNamespaceKindName_AndCleansThem()
    {
        var writer = new ExportTreeWriter(Path.Combine(_dir.FullName, "out"), force: false);
        var cm = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"a","uid":"u"},"data":{"port":"8080"}}""")!.AsObject();
        var ns = JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Active"}}""")!.AsObject();

        writer.Write(new ObjectRef("c", "", "v1", "configmaps", "ConfigMap", "a", "c"), cm);
        writer.Write(new ObjectRef("c", "", "v1", "namespaces", "Namespace", null, "a"), ns);

        var cmYaml = File.ReadAllText(Path.Combine(_dir.FullName, "out", "a", "configmap", "c.yaml"));
        Assert.DoesNotContain("uid", cmYaml, StringComparison.Ordinal);
        Assert.Contains("port: \"8080\"", cmYaml, StringComparison.Ordinal);
        Assert.DoesNotContain("status", File.ReadAllText(Path.Combine(_dir.FullName, "out", "_cluster", "namespace", "a.yaml")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ns", "..")]
    [InlineData("ns", "a/../../x")]
    [InlineData("../..", "x")]
    [InlineData("ns", "/etc/passwd")]
    public void Write_Refuses_WhenNamesAreHostile(string ns, string name)
    {
        var writer = new ExportTreeWriter(_dir.FullName, force: false);
        var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap" };

        Assert.Throws<ManifestException>(() => writer.Write(new ObjectRef("c", "", "v1", "configmaps", "ConfigMap", ns, name), obj));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.FullName, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Constructor_Refuses_WhenFolderIsNotEmptyWithoutForce()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "keep.txt"), "x");

        Assert.Throws<ManifestException>(() => new ExportTreeWriter(_dir.FullName, force: false));
        _ = new ExportTreeWriter(_dir.FullName, force: true);
    }

    [Fact]
    public void Write_Refuses_WhenExistingFolderIsALink()
    {
        var outside = Directory.CreateTempSubdirectory("dbackup-outside-");
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(_dir.FullName, "_cluster"), outside.FullName);
            var writer = new ExportTreeWriter(_dir.FullName, force: true);
            var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace" };

            Assert.Throws<ManifestException>(() => writer.Write(new ObjectRef("c", "", "v1", "namespaces", "Namespace", null, "n"), obj));
            Assert.Empty(outside.EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        }
        finally
        {
            outside.Delete(recursive: true);
        }
    }
}
