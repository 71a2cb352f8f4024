using System.Text.RegularExpressions;
using System.Xml.Linq;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>
/// Docker cannot run here, so the Dockerfile is checked in parts: its build stage's own `dotnet` commands are run
/// (parsed from the file, so the two cannot drift) and the published `dbackup` must start; its COPY lines must
/// bring in everything the build reads; the runtime stage must run `dbackup operator` as a non-root user.
/// </summary>
public sealed partial class DockerfileTests
{
    private const string ImageOutput = "/app";

    [Fact]
    public async Task BuildStageCommands_PublishADbackupThatStarts()
    {
        var output = Path.Combine(Path.GetTempPath(), "dbackup-publish-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var runs = Dockerfile.Stage(0).Where(i => i.Keyword == "RUN").ToList();
            Assert.Contains(runs, r => r.Arguments.StartsWith("dotnet publish src/DBackup.Operator/DBackup.Operator.csproj", StringComparison.Ordinal));
            foreach (var run in runs)
            {
                Assert.DoesNotMatch("[\"'$;&|]", run.Arguments); // a plain command: split on spaces as the shell would
                var args = run.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == ImageOutput ? output : a).ToList();
                Assert.Equal("dotnet", args[0]);
                // WORKDIR /src holds the repository's paths, so the repository root stands in for it.
                var result = await PackagingTools.RunAsync("dotnet", args.Skip(1), RepoPaths.Root, new Dictionary<string, string>
                {
                    ["MSBUILDDISABLENODEREUSE"] = "1",
                    ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
                    ["DOTNET_NOLOGO"] = "1",
                }, TimeSpan.FromMinutes(8));
                result.EnsureSuccess();
            }

            var dbackup = Path.Combine(output, "dbackup");
            var version = (await PackagingTools.RunAsync(dbackup, ["--version"])).EnsureSuccess();
            Assert.Equal(ProjectVersion.Value, version.Stdout.Trim().Split('+')[0]);

            var help = (await PackagingTools.RunAsync(dbackup, ["operator", "--help"])).EnsureSuccess();
            Assert.Contains("--leader-elect", help.Stdout, StringComparison.Ordinal);

            // Framework-dependent on exactly what the runtime image (aspnet) provides.
            var runtime = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "dbackup.runtimeconfig.json")))!;
            Assert.Equal(["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"],
                runtime["runtimeOptions"]!["frameworks"]!.AsArray().Select(f => (string)f!["name"]!));
            Assert.False((bool)runtime["runtimeOptions"]!["configProperties"]!["System.Runtime.TieredPGO"]!, "the shipped runtime config turns tiered PGO off (see the csproj)");
            Assert.False(File.Exists(Path.Combine(output, "libcoreclr.so")), "the publish is self-contained; the runtime image already has .NET");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public void BuildStage_CopiesEverythingTheBuildReads()
    {
        var build = Dockerfile.Stage(0);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", build[0].Arguments);
        var copied = build.Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Select(s => s.TrimEnd('/'))
            .ToList();
        Assert.All(copied, s => Assert.True(File.Exists(RepoPaths.Of(s)) || Directory.Exists(RepoPaths.Of(s)), $"COPY {s}: not in the repository"));

        // Every file or folder the operator's build reads (projects it references, embedded resources, shared props).
        var needed = new List<string> { "Directory.Build.props", "Directory.Packages.props" };
        needed.AddRange(Inputs("src/DBackup.Operator/DBackup.Operator.csproj", []));
        foreach (var path in needed)
        {
            Assert.True(copied.Any(c => path == c || path.StartsWith(c + "/", StringComparison.Ordinal)), $"the Dockerfile does not COPY {path}");
        }
    }

    [Fact]
    public void RuntimeStage_RunsDbackupOperator_AsNonRoot()
    {
        var runtime = Dockerfile.Stage(1);

        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", runtime[0].Arguments); // Kestrel serves /healthz, /readyz, /metrics
        Assert.Equal("""["dbackup", "operator"]""", runtime.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        Assert.Contains(runtime, i => i.Keyword == "COPY" && i.Arguments == $"--from=build {ImageOutput} {ImageOutput}");
        Assert.Matches($"PATH=\"{ImageOutput}:", runtime.Single(i => i.Keyword == "ENV" && i.Arguments.Contains("PATH=", StringComparison.Ordinal)).Arguments);
        var user = runtime.Last(i => i.Keyword == "USER").Arguments;
        Assert.Matches("^[1-9][0-9]*:[1-9][0-9]*$", user);
        // The chart runs the pod as the same user.
        Assert.Contains($"runAsUser: {user.Split(':')[0]}", File.ReadAllText(RepoPaths.Of("charts", "dbackup-operator", "values.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputOutOfTheContext()
    {
        var lines = File.ReadAllLines(RepoPaths.Of(".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
        Assert.Contains(".git/", lines);
    }

    /// <summary>Repository-relative paths a project's build reads: its own folder, referenced projects' folders, embedded files' folders.</summary>
    private static IEnumerable<string> Inputs(string project, HashSet<string> seen)
    {
        if (!seen.Add(project))
        {
            yield break;
        }

        var folder = Path.GetDirectoryName(project)!;
        yield return folder;
        var xml = XDocument.Load(RepoPaths.Of(project));
        foreach (var include in xml.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "EmbeddedResource" or "None" or "Content" or "Compile")
                     .Select(e => (string?)e.Attribute("Include")).OfType<string>())
        {
            var path = Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.Of(folder), include.Replace('\\', '/')))).Replace('\\', '/');
            if (include.EndsWith(".csproj", StringComparison.Ordinal))
            {
                foreach (var inner in Inputs(path, seen))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return Wildcard().Replace(Path.GetDirectoryName(path)!.Replace('\\', '/'), "");
            }
        }
    }

    [GeneratedRegex(@"/?\*.*$")]
    private static partial Regex Wildcard();
}
