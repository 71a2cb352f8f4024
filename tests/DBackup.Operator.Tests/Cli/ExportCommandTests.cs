using System.Text.Json.Nodes;
using DBackup.Operator.Manifests;
using DBackup.Pipeline;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;
using DBackup.Pipeline.Storage;

namespace DBackup.Operator.Tests.Cli;

public sealed class ExportCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Export_AfterPack_GivesSameObjects_CleanedAndNormalized()
    {
        Samples.WriteManifests(_cli);
        var (key, _) = await _cli.KeygenAsync("k.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key, "--include-secrets");

        var run = await _cli.RunOkAsync("export", CliHarness.SinglePayload(dest), "--key-file", key, "--out", _cli.PathOf("tree"));

        var expected = ManifestLoader.LoadFolder(_cli.PathOf("manifests"))
            .Select(d => ObjectCleaner.Clean(WithDefaultNamespace(d.Object)))
            .Select(Normalize).Order(StringComparer.Ordinal).ToList();
        var actual = ManifestLoader.LoadFolder(_cli.PathOf("tree"))
            .Select(d => Normalize(d.Object)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.True(File.Exists(_cli.PathOf("tree", "_cluster", "clusterrole", "system:dbackup-viewer.yaml")));
        Assert.True(File.Exists(_cli.PathOf("tree", "_cluster", "octopus", "paul.yaml")));
        Assert.True(File.Exists(_cli.PathOf("tree", "default", "configmap", "app-config.yaml")));
        Assert.Contains("port: \"8080\"", File.ReadAllText(_cli.PathOf("tree", "default", "configmap", "app-config.yaml")), StringComparison.Ordinal);
        var secretFile = _cli.PathOf("tree", "team-a", "secret", "db-credentials.yaml");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, CliHarness.ModeOf(secretFile));
        Assert.Contains("warning", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackOfExport_ExportsIdenticalTree()
    {
        Samples.WriteManifests(_cli);
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", _cli.PathOf("dest1"));
        await _cli.RunOkAsync("export", CliHarness.SinglePayload(_cli.PathOf("dest1")), "--out", _cli.PathOf("tree1"));

        await _cli.RunOkAsync("pack", _cli.PathOf("tree1"), "--dest", _cli.PathOf("dest2"));
        await _cli.RunOkAsync("export", CliHarness.SinglePayload(_cli.PathOf("dest2")), "--out", _cli.PathOf("tree2"));

        var first = Directory.GetFiles(_cli.PathOf("tree1"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_cli.PathOf("tree1"), f)).Order().ToList();
        var second = Directory.GetFiles(_cli.PathOf("tree2"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_cli.PathOf("tree2"), f)).Order().ToList();
        Assert.Equal(first, second);
        Assert.Equal(8, first.Count);
        foreach (var file in first)
        {
            Assert.Equal(File.ReadAllText(_cli.PathOf("tree1", file)), File.ReadAllText(_cli.PathOf("tree2", file)));
        }
    }

    [Fact]
    public async Task Export_KeepsRedactedLabel_WhenSecretsWereRedacted()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest);

        await _cli.RunOkAsync("export", CliHarness.SinglePayload(dest), "--out", _cli.PathOf("tree"));

        var secret = Assert.Single(ManifestLoader.LoadText("s.yaml", File.ReadAllText(_cli.PathOf("tree", "team-a", "secret", "db-credentials.yaml")))).Object;
        Assert.True(SecretRedactor.IsRedacted(secret));
        Assert.Equal(SecretRedactor.Placeholder, (string?)secret["stringData"]!["password"]);
    }

    [Fact]
    public async Task Export_Refuses_WhenOutputFolderIsNotEmpty()
    {
        Samples.WriteManifests(_cli);
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest);
        _cli.Write("tree/keep.txt", "mine");

        var run = await _cli.RunAsync("export", CliHarness.SinglePayload(dest), "--out", _cli.PathOf("tree"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--force", run.Err, StringComparison.Ordinal);
        Assert.Single(Directory.GetFileSystemEntries(_cli.PathOf("tree")));
        await _cli.RunOkAsync("export", CliHarness.SinglePayload(dest), "--out", _cli.PathOf("tree"), "--force");
    }

    [Fact]
    public async Task Export_RefusesHostileNames_AndLeavesNothingBehind()
    {
        // A backup written by someone else: the archive allows this name, the export tree must not take it.
        var dest = new FilesystemDestination(_cli.PathOf("dest"));
        var objects = new[]
        {
            Object("ok", "a"),
            Object("ok", "-rf ~"),
        }.ToAsyncEnumerable();
        var result = await new BackupPipeline().WriteAsync(new BackupRequest { Policy = "crafted", Trigger = "test" }, objects, dest, CancellationToken.None);

        var run = await _cli.RunAsync("export", Path.Combine(dest.Root, result.PayloadKey), "--out", _cli.PathOf("tree"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a safe file name", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("tree")));
    }

    [Fact]
    public async Task Export_Fails_WhenKeyIsMissing()
    {
        Samples.WriteManifests(_cli);
        var (key, keyId) = await _cli.KeygenAsync("k.key");
        var dest = _cli.PathOf("dest");
        await _cli.RunOkAsync("pack", _cli.PathOf("manifests"), "--dest", dest, "--key-file", key);

        var run = await _cli.RunAsync("export", CliHarness.SinglePayload(dest), "--out", _cli.PathOf("tree"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(keyId, run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("tree")) && Directory.EnumerateFileSystemEntries(_cli.PathOf("tree")).Any());
    }

    private static BackupObject Object(string ns, string name) => new(
        new ObjectRef("c", "", "v1", "configmaps", "ConfigMap", ns, name),
        System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        }.ToJsonString()));

    private static JsonObject WithDefaultNamespace(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        var kind = (string?)copy["kind"];
        var clusterScoped = kind is "Namespace" or "ClusterRole" or "CustomResourceDefinition" or "Octopus";
        if (!clusterScoped && copy["metadata"]!["namespace"] is null)
        {
            copy["metadata"]!["namespace"] = "default";
        }

        return copy;
    }

    private static string Normalize(JsonNode node) => Sort(node)!.ToJsonString();

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };
}
