using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tests.Kubectl;

/// <summary>Drives the real kubectl (1.32) against DevCluster; see FINDINGS.md for what kubectl trips over.</summary>
public sealed class KubectlSmokeTests(KubectlFixture fixture) : IClassFixture<KubectlFixture>
{
    private KubectlRunner Kubectl => fixture.Kubectl;

    [KubectlFact]
    public async Task Version_ReportsServerVersion()
    {
        var output = await Kubectl.OkAsync("version");

        Assert.Contains("Server Version: v1.32.0", output, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task ApiResources_ListsBuiltInsAndCrd()
    {
        var output = await Kubectl.OkAsync("api-resources");

        Assert.Matches(@"(?m)^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s*$", output);
        Assert.Matches(@"(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment\s*$", output);
        Assert.Matches(@"(?m)^widgets\s+wdg\s+smoke\.dbackup\.io/v1\s+true\s+Widget\s*$", output);
    }

    [KubectlFact]
    public async Task Get_ShowsPrinterColumns_ForCustomResource()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("cols", 3));

        var output = await Kubectl.OkAsync("get widgets cols");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+COLOR\s+PHASE\s+AGE\s*$", lines[0]);
        // Color comes from the schema default; the missing phase is a null cell, which kubectl prints empty.
        Assert.Matches(@"^cols\s+3\s+blue\s+\S*\s*\d+s\s*$", lines[1]);
    }

    [KubectlFact]
    public async Task GetWide_ShowsPriorityColumns_OnlyWithWideOutput()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("wide", 1));

        var normal = await Kubectl.OkAsync("get widget wide");
        var wide = await Kubectl.OkAsync("get widget wide -o wide");

        Assert.DoesNotContain("SHAPE", normal, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^NAME\s+SIZE\s+COLOR\s+PHASE\s+AGE\s+SHAPE\s*$", wide);
        Assert.Matches(@"(?m)^wide\s+1\s+blue\s+\d+s\s+round\s*$", wide);
    }

    [KubectlFact]
    public async Task Get_ShowsBuiltInColumns_ForConfigMapsAndNamespaces()
    {
        await Kubectl.OkAsync("create -f -", Manifests.ConfigMap("columns-cm"));

        var configMaps = await Kubectl.OkAsync("get configmap columns-cm");
        var namespaces = await Kubectl.OkAsync("get namespace default");

        Assert.Matches(@"^NAME\s+DATA\s+AGE\ncolumns-cm\s+1\s+\d+s\n$", configMaps);
        Assert.Matches(@"^NAME\s+STATUS\s+AGE\ndefault\s+Active\s+\d+[sm]\S*\n$", namespaces);
    }

    [KubectlFact]
    public async Task GetJsonAndYaml_ReturnTheObject_WithDefaultsApplied()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("out", 2));

        var json = JsonNode.Parse(await Kubectl.OkAsync("get widget out -o json"))!;
        var yaml = await Kubectl.OkAsync("get widget out -o yaml");

        Assert.Equal("smoke.dbackup.io/v1", json["apiVersion"]!.GetValue<string>());
        Assert.Equal(2, json["spec"]!["size"]!.GetValue<int>());
        Assert.Equal("blue", json["spec"]!["color"]!.GetValue<string>());
        Assert.Contains("kind: Widget", yaml, StringComparison.Ordinal);
        Assert.Contains("  size: 2", yaml, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Apply_RejectsUnknownField_WithStrictValidationLikeTheApiserver()
    {
        var result = await Kubectl.RunAsync("apply -f -", Manifests.Widget("strict", 1).Replace("size: 1", "size: 1, bogus: 1", StringComparison.Ordinal));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", result.Stderr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Apply_ReportsSchemaViolation_FromServer()
    {
        var result = await Kubectl.RunAsync("apply -f -", Manifests.Widget("tiny", 0));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", result.Stderr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Apply_ReportsUnchangedThenConfigured_WhenAppliedAgain()
    {
        Assert.Contains("widget.smoke.dbackup.io/twice created", await Kubectl.OkAsync("apply -f -", Manifests.Widget("twice", 1)), StringComparison.Ordinal);
        Assert.Contains("widget.smoke.dbackup.io/twice unchanged", await Kubectl.OkAsync("apply -f -", Manifests.Widget("twice", 1)), StringComparison.Ordinal);
        Assert.Contains("widget.smoke.dbackup.io/twice configured", await Kubectl.OkAsync("apply -f -", Manifests.Widget("twice", 5)), StringComparison.Ordinal);

        Assert.Equal("5", await Kubectl.OkAsync("get widget twice -o jsonpath={.spec.size}"));
    }

    [KubectlFact]
    public async Task Patch_AppliesMergeAndJsonPatches_ToCustomResource()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("patched", 1));

        await Kubectl.OkAsync(["patch", "widget", "patched", "--type", "merge", "-p", """{"spec":{"color":"red"}}"""]);
        await Kubectl.OkAsync(["patch", "widget", "patched", "--type", "json", "-p", """[{"op":"replace","path":"/spec/size","value":7}]"""]);

        Assert.Equal("7 red", await Kubectl.OkAsync(["get", "widget", "patched", "-o", "jsonpath={.spec.size} {.spec.color}"]));
    }

    [KubectlFact]
    public async Task Patch_FailsWith415_WhenStrategicOnCustomResource()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("nosmp", 1));

        var result = await Kubectl.RunAsync(["patch", "widget", "nosmp", "-p", """{"spec":{"color":"red"}}"""]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("application/strategic-merge-patch+json is not supported", result.Stderr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Patch_UpdatesOnlyStatus_WithStatusSubresource()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("stat", 1));

        await Kubectl.OkAsync(["patch", "widget", "stat", "--subresource=status", "--type", "merge", "-p", """{"status":{"phase":"Ready"},"spec":{"size":9}}"""]);

        var output = await Kubectl.OkAsync("get widget stat --no-headers");
        Assert.Matches(@"^stat\s+1\s+blue\s+Ready\s+", output);
    }

    [KubectlFact]
    public async Task Patch_MergesStrategically_ForConfigMapAndDeployment()
    {
        await Kubectl.OkAsync("create -f -", Manifests.ConfigMap("smp-cm"));
        await Kubectl.OkAsync("create -f -", Manifests.Deployment("smp-deploy"));

        await Kubectl.OkAsync(["patch", "configmap", "smp-cm", "-p", """{"data":{"b":"2"}}"""]);
        await Kubectl.OkAsync(["patch", "deployment", "smp-deploy", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}"""]);

        Assert.Equal("""{"a":"1","b":"2"}""", await Kubectl.OkAsync("get configmap smp-cm -o jsonpath={.data}"));
        var containers = JsonNode.Parse(await Kubectl.OkAsync("get deployment smp-deploy -o jsonpath={.spec.template.spec.containers}"))!.AsArray();
        Assert.Equal(["app:2", "side:1"], containers.Select(c => c!["image"]!.GetValue<string>()));
        Assert.Equal("A", containers[0]!["env"]![0]!["name"]!.GetValue<string>());
    }

    [KubectlFact]
    public async Task Delete_RemovesObject()
    {
        await Kubectl.OkAsync("apply -f -", Manifests.Widget("doomed", 1));

        Assert.Contains("\"doomed\" deleted", await Kubectl.OkAsync("delete widget doomed"), StringComparison.Ordinal);

        var get = await Kubectl.RunAsync("get widget doomed");
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("NotFound", get.Stderr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task GetChunked_ListsAllPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Kubectl.OkAsync("create -f -", Manifests.ConfigMap($"page-{i}", "{chunk: \"yes\"}"));
        }

        var result = await Kubectl.RunAsync("get configmaps -l chunk=yes --chunk-size=2 -o name -v=6");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"configmap/page-{i}"), result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Three requests: two full pages and the last one, following continue tokens.
        Assert.Equal(2, result.Stderr.Split('\n').Count(l => l.Contains("continue=", StringComparison.Ordinal) && l.Contains(" 200 OK", StringComparison.Ordinal)));
    }

    [KubectlFact]
    public async Task GetWatch_PrintsNewObject_WhenCreated()
    {
        using var watch = Kubectl.Start("get configmaps -l watch=yes --watch --request-timeout=30s");
        try
        {
            var lines = new List<string>();
            var seen = new TaskCompletionSource();
            watch.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (lines)
                {
                    lines.Add(e.Data);
                }

                if (e.Data.StartsWith("watched-cm", StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            };
            watch.BeginOutputReadLine();
            // The watch starts with an (empty) list; wait until kubectl has its watch open before creating.
            await Task.Delay(1000);

            await Kubectl.OkAsync("create -f -", Manifests.ConfigMap("watched-cm", "{watch: \"yes\"}"));

            var finished = await Task.WhenAny(seen.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(finished == seen.Task, "kubectl get --watch never printed the new ConfigMap; output: " + string.Join("\n", lines));
            Assert.Matches(@"^watched-cm\s+1\s+\d+s$", lines.Last(l => l.StartsWith("watched-cm", StringComparison.Ordinal)));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }
}
