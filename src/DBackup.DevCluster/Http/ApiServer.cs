using System.Net;
using DBackup.DevCluster.Faults;
using DBackup.DevCluster.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DBackup.DevCluster.Http;

/// <summary>Kestrel on 127.0.0.1 with fault injection first and the API handler as the only endpoint.</summary>
internal static class ApiServer
{
    public static async Task<(WebApplication App, Uri Url)> StartAsync(int port, FaultInjector faults, ApiHandler handler, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "DBackup.DevCluster" });
        builder.Logging.ClearProviders();
        // The embedding process owns Ctrl+C/SIGTERM; the emulator must not swallow them.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, PassiveLifetime>();
        // Watches end on their own at shutdown; anything else still running is cut off quickly.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.UseFaultInjection(faults);
        app.Run(handler.HandleAsync);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
    }
}

/// <summary>A host lifetime that neither listens for console signals nor blocks on them.</summary>
internal sealed class PassiveLifetime : Microsoft.Extensions.Hosting.IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
