using System.Diagnostics;

namespace DBackup.DevCluster.Tests.Kubectl;

/// <summary>Runs the real kubectl against a kubeconfig, each invocation bounded by a timeout.</summary>
internal sealed class KubectlRunner(string kubeconfigPath, string cacheDirectory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public const string Path = "/usr/bin/kubectl";

    /// <summary>Null when kubectl can be used, else why the kubectl tests are skipped.</summary>
    public static string? SkipReason =>
        File.Exists(Path) ? null : $"kubectl is not installed at {Path}";

    /// <summary>Runs kubectl with space-separated <paramref name="arguments"/> (no quoting needed or possible).</summary>
    public Task<KubectlResult> RunAsync(string arguments, string? stdin = null) =>
        RunAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdin);

    /// <summary>Runs kubectl with exact arguments, e.g. a JSON patch as one argument.</summary>
    public async Task<KubectlResult> RunAsync(string[] args, string? stdin = null)
    {
        var arguments = string.Join(' ', args);
        using var process = Process.Start(StartInfo(args))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {arguments} did not finish within {Timeout.TotalSeconds} s");
        }

        return new KubectlResult(arguments, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and asserts success, returning stdout.</summary>
    public Task<string> OkAsync(string arguments, string? stdin = null) =>
        OkAsync(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdin);

    /// <summary>Runs with exact arguments and asserts success, returning stdout.</summary>
    public async Task<string> OkAsync(string[] args, string? stdin = null)
    {
        var result = await RunAsync(args, stdin);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get --watch</c>); the caller kills it.</summary>
    public Process Start(string arguments) => Process.Start(StartInfo(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)))!;

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfigPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Keep kubectl's discovery cache per cluster, not in the user's home.
        info.Environment["KUBECACHEDIR"] = cacheDirectory;
        info.Environment["HOME"] = System.IO.Path.GetTempPath();
        return info;
    }
}

internal sealed record KubectlResult(string Arguments, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"kubectl {Arguments} exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>A fact that is skipped, with the reason, when kubectl is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when kubectl is missing.</summary>
    public KubectlFactAttribute() => Skip = KubectlRunner.SkipReason;
}
