using DBackup.DevCluster.Controllers;
using DBackup.DevCluster.Discovery;
using DBackup.DevCluster.Faults;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Kubeconfig;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Watch;
using k8s;
using Microsoft.AspNetCore.Builder;

namespace DBackup.DevCluster;

/// <summary>
/// An in-process Kubernetes API server emulator (kube-apiserver 1.32 semantics) over real HTTP on 127.0.0.1.
/// Use it from tests (<c>await using var cluster = await DevCluster.StartAsync();</c>), from kubectl through
/// <see cref="KubeconfigPath"/>, or standalone (<c>dbackup devcluster</c>). See docs/devcluster.md for what is emulated.
/// </summary>
public sealed class DevCluster : IAsyncDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    private readonly WebApplication _app;
    private readonly ControllerHost _controllers;
    private readonly ServerContext _server;
    private readonly bool _ownsKubeconfig;
    private readonly Lazy<IKubernetes> _client;

    private DevCluster(WebApplication app, Uri url, ServerContext server, ControllerHost controllers, FaultInjector faults, string kubeconfigPath, bool ownsKubeconfig)
    {
        _app = app;
        Url = url;
        _server = server;
        _controllers = controllers;
        Faults = faults;
        KubeconfigPath = kubeconfigPath;
        _ownsKubeconfig = ownsKubeconfig;
        _client = new Lazy<IKubernetes>(CreateClient);
    }

    /// <summary>The server's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    /// <summary>Path of the kubeconfig written at start (context "devcluster").</summary>
    public string KubeconfigPath { get; }

    /// <summary>A ready client for this cluster, shared; dispose the cluster, not the client.</summary>
    public IKubernetes Client => _client.Value;

    /// <summary>Fault injection rules applied to every request (errors, latency, dropped watches).</summary>
    public FaultInjector Faults { get; }

    /// <summary>The latest resourceVersion (the emulated etcd revision).</summary>
    public long ResourceVersion => _server.Store.Revision;

    /// <summary>Starts a cluster with the default namespaces (default, kube-system, kube-public, kube-node-lease).</summary>
    /// <param name="options">Settings; null for defaults (random port, temporary kubeconfig).</param>
    /// <param name="ct">Cancels the start.</param>
    public static async Task<DevCluster> StartAsync(DevClusterOptions? options = null, CancellationToken ct = default)
    {
        options ??= new DevClusterOptions();
        var server = new ServerContext(options);
        var objects = new ApiObjects(server);
        var nsType = server.Registry.FindByKey("/namespaces")!;
        foreach (var ns in InitialNamespaces)
        {
            objects.Create(nsType, "v1", "", new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = ns } }, dryRun: false);
            NamespaceController.EnsureDefaults(objects, ns);
        }
        var controllers = new ControllerHost(objects);
        var faults = new FaultInjector();
        var handler = new ApiHandler(server, objects, new WatchHandler(server, faults.WatchEventLimit), new DiscoveryHandler(server));
        try
        {
            var (app, url) = await ApiServer.StartAsync(options.Port, faults, handler, ct).ConfigureAwait(false);
            var owns = options.KubeconfigPath is null;
            var path = options.KubeconfigPath ?? Path.Combine(Path.GetTempPath(), $"devcluster-{Guid.NewGuid():N}.kubeconfig");
            KubeconfigWriter.Write(path, url);
            return new DevCluster(app, url, server, controllers, faults, path, owns);
        }
        catch
        {
            await controllers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new client for this cluster (the caller disposes it).</summary>
    public IKubernetes CreateClient() => new Kubernetes(new KubernetesClientConfiguration { Host = Url.ToString(), AccessToken = "devcluster-token" });

    /// <summary>Forgets all change history, as an etcd compaction does: older watches and continue tokens get 410 Gone.</summary>
    public void CompactHistory() => _server.Store.Compact();

    /// <summary>Waits until the built-in controllers (namespaces, GC, CRDs) have processed every change so far.</summary>
    /// <param name="ct">Cancels the wait.</param>
    public async Task WaitForControllersAsync(CancellationToken ct = default)
    {
        var target = _server.Store.Revision;
        while (_controllers.Processed < target) await Task.Delay(5, ct).ConfigureAwait(false);
    }

    /// <summary>Stops the server and the controllers, and deletes a temporary kubeconfig.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
        await _server.Stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _controllers.DisposeAsync().ConfigureAwait(false);
        _server.Stopping.Dispose();
        if (_ownsKubeconfig)
        {
            try
            {
                File.Delete(KubeconfigPath);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless.
            }
        }
    }
}
