using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DBackup.Operator.Tests.Support;
using DBackup.Pipeline.Tests.Support;
using k8s;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>
/// The chart's contract with the binary: `dbackup operator` started with the args the chart renders and the
/// downward-API variables it sets takes its lease in POD_NAMESPACE under POD_NAME's identity and answers the probe paths.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class OperatorProcessTests(PackagingClusterFixture cluster)
{
    [Fact]
    public async Task ChartArgs_AndDownwardApiEnv_RunTheOperator()
    {
        const string ns = "ops-lease";
        await cluster.EnsureNamespacesAsync([ns]);
        var port = FreePort();
        using var data = new TempDirectory();
        var args = (await HelmChart.TemplateAsync("default")).OperatorContainer(HelmChart.Release)["args"]!.AsArray()
            .Select(a => (string)a!)
            .Select(a => a.StartsWith("--data-dir=", StringComparison.Ordinal) ? $"--data-dir={data.Path}"
                : a.StartsWith("--port=", StringComparison.Ordinal) ? $"--port={port}" : a)
            .ToList();

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "dbackup.dll"), "operator", "--kubeconfig", cluster.Cluster.KubeconfigPath, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["POD_NAME"] = "dbackup-operator-7d9f-abcde";
        start.Environment["POD_NAMESPACE"] = ns;
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
            {
                await Eventually.TrueAsync(async () => !process.HasExited && await StatusAsync(http, path) == HttpStatusCode.OK, $"{path} answering 200", TimeSpan.FromSeconds(30));
            }

            await Eventually.TrueAsync(async () =>
            {
                var leases = await cluster.Cluster.Client.CoordinationV1.ListNamespacedLeaseAsync(ns);
                return leases.Items.Any(l => l.Metadata.Name == "dbackup-operator-leader" && l.Spec.HolderIdentity == "dbackup-operator-7d9f-abcde");
            }, $"the lease dbackup-operator-leader held in {ns}", TimeSpan.FromSeconds(30));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            lock (output)
            {
                throw new InvalidOperationException($"{e.Message}\noperator output:\n{output}", e);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
