using DBackup.Operator.Backups;
using DBackup.Operator.Controllers;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.History;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DBackup.Operator.Hosting;

/// <summary>
/// Builds the operator process: Serilog, the controller runtime with its two reconcilers, the backup runner
/// with history and events, and an HTTP endpoint for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.
/// </summary>
public static class OperatorHost
{
    /// <summary>Builds the application; run it with <c>RunAsync</c>, or <c>StartAsync</c>/<c>StopAsync</c> in tests.</summary>
    public static async Task<WebApplication> BuildAsync(OperatorSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{settings.ListenAddress}:{settings.Port}");
        builder.Services.AddSerilog((_, log) => ConfigureLogging(log, settings.LogFormat));

        var operatorNamespace = KubernetesServiceCollectionExtensions.OperatorNamespace();
        var admin = settings.AdminNamespaces.Count > 0 ? settings.AdminNamespaces : [operatorNamespace];
        Directory.CreateDirectory(settings.DataDir);
        var history = await ExecutionHistory.OpenAsync(ExecutionHistory.DefaultPath(settings.DataDir), cancellationToken).ConfigureAwait(false);
        await history.MarkRunningAsAbandonedAsync(DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);

        builder.Services.AddDBackupRuntime(o =>
        {
            o.KubeconfigPath = settings.Kubeconfig;
            o.LeaderElection = o.LeaderElection with { Enabled = settings.LeaderElect };
        });
        builder.Services.AddSingleton(history);
        builder.Services.AddSingleton(new PolicyBackupRunnerOptions
        {
            AdminNamespaces = admin,
            TempDirectory = Path.Combine(settings.DataDir, "tmp"),
            ClusterName = settings.ClusterName,
        });
        builder.Services.AddSingleton<EventRecorder>(sp => new EventRecorder(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EventRecorder>>(), sp.GetRequiredService<TimeProvider>(), Environment.GetEnvironmentVariable("POD_NAME")));
        builder.Services.AddSingleton<PolicyBackupRunner>();
        builder.Services.AddSingleton(new BackupSlots(settings.MaxConcurrentBackups));
        builder.Services.AddReconciler<EncryptionProfileRef, EncryptionProfileRefReconciler>();
        builder.Services.AddReconciler<MetaBackupPolicy, MetaBackupPolicyReconciler>();
        builder.Services.AddReconciler<MetaBackupRestore, MetaBackupRestoreReconciler>();
        // Restore drills are a second controller on MetaBackupPolicy, so a drill never delays a backup.
        builder.Services.AddSingleton<RestoreDrillRunner>();
        builder.Services.AddReconciler<MetaBackupPolicy, RestoreDrillReconciler>();

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
        app.MapMetrics("/metrics");
        return app;
    }

    /// <summary>Ready when the API server answers: a pod that cannot reach it should not count as available.</summary>
    private static async Task<IResult> ReadyAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.Version.GetCodeAsync(timeout.Token).ConfigureAwait(false);
            return Results.Text("ok");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or k8s.Autorest.HttpOperationException)
        {
            return Results.Text("API server unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static void ConfigureLogging(LoggerConfiguration log, string? format)
    {
        // In a pod logs go to a collector that wants one JSON object per line; on a terminal people read them.
        var json = format == "json" || (format is null && Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null);
        log.MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (json)
        {
            log.WriteTo.Console(new CompactJsonFormatter());
        }
        else
        {
            log.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj} {Properties:j}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
