using DBackup.DevCluster.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DBackup.DevCluster.Tests.Faults;

/// <summary>Kestrel on 127.0.0.1:0 with fault injection in front of a trivial endpoint and a watch-like stream.</summary>
internal sealed class FaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FaultServer(WebApplication app, FaultInjector faults, Uri baseAddress)
    {
        _app = app;
        Faults = faults;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public FaultInjector Faults { get; }

    public HttpClient Client { get; }

    /// <summary>Requests that reached the endpoint (i.e. were not answered by a fault).</summary>
    public int Served => Volatile.Read(ref _served);

    private int _served;

    public static async Task<FaultServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var faults = new FaultInjector();
        var app = builder.Build();
        FaultServer? server = null;
        app.UseFaultInjection(faults);
        app.Run(async ctx =>
        {
            Interlocked.Increment(ref server!._served);
            if (ctx.Request.Path == "/watch")
            {
                // Emits 10 events unless the injector limits the stream.
                var limit = faults.WatchEventLimit(ctx) ?? 10;
                for (var i = 0; i < Math.Min(limit, 10); i++)
                {
                    await ctx.Response.WriteAsync($"event{i}\n");
                }

                return;
            }

            await ctx.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FaultServer(app, faults, new Uri(address));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
