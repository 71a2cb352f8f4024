using System.Net;
using DBackup.Operator.Entities;
using DBackup.Operator.Kubernetes;
using DBackup.Pipeline.History;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging.Abstractions;

namespace DBackup.Operator.Cli;

/// <summary>
/// Where a <c>dbackup backup</c> run is reported besides stdout: a row in the execution history (as the operator
/// keeps one) and, when the policy exists in the cluster, Kubernetes Events on that object, so <c>kubectl describe</c>
/// shows CLI runs next to the operator's. Status stays the operator's: the CLI never writes it.
/// </summary>
internal static class BackupCommandReporting
{
    /// <summary>The reporting instance of CLI events (the operator's are its pod name).</summary>
    public const string EventInstance = "dbackup-cli";

    /// <summary>
    /// The default history folder: <c>$XDG_STATE_HOME/dbackup</c>, else <c>~/.local/state/dbackup</c> (the XDG state
    /// directory, for data that persists between runs but is not worth backing up); null when neither is known.
    /// </summary>
    public static string? DefaultDataDir(CliContext context) =>
        context.Env("XDG_STATE_HOME") is { } state ? Path.Combine(state, "dbackup")
        : context.Env("HOME") is { } home ? Path.Combine(home, ".local", "state", "dbackup")
        : null;

    /// <summary>
    /// Opens the history in <paramref name="explicitDir"/> (failure is an error) or the default folder (failure is a
    /// warning: the backup matters more than its log line). Null when there is none.
    /// </summary>
    /// <exception cref="CliException">The given --data-dir cannot hold the history.</exception>
    public static async Task<ExecutionHistory?> OpenHistoryAsync(CliContext context, string? explicitDir, CancellationToken ct)
    {
        var folder = explicitDir ?? DefaultDataDir(context);
        if (folder is null)
        {
            return null;
        }

        var path = ExecutionHistory.DefaultPath(folder);
        try
        {
            return await ExecutionHistory.OpenAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            if (explicitDir is not null)
            {
                throw new CliException($"cannot use the execution history {path}: {e.Message}");
            }

            context.Warn($"no execution history recorded: cannot use {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// An event recorder for <paramref name="policy"/> when the same MetaBackupPolicy exists in the cluster; its uid is
    /// copied onto <paramref name="policy"/> so the events name the live object. Null (and a note why) otherwise.
    /// </summary>
    public static async Task<(EventRecorder? Events, string Note)> EventsForAsync(IKubernetes client, MetaBackupPolicy policy, CancellationToken ct)
    {
        var ns = policy.Metadata.NamespaceProperty;
        var name = policy.Metadata.Name;
        try
        {
            var live = await client.CustomObjects.GetNamespacedCustomObjectAsync<MetaBackupPolicy>(
                ApiGroup.Group, ApiGroup.Version, ns, ApiGroup.MetaBackupPolicyPlural, name, ct).ConfigureAwait(false);
            policy.Metadata.Uid = live.Metadata.Uid;
            policy.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
            return (new EventRecorder(client, NullLogger<EventRecorder>.Instance, TimeProvider.System, EventInstance), $"recorded on MetaBackupPolicy {ns}/{name}");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, $"none (no MetaBackupPolicy {ns}/{name} in the cluster)");
        }
        catch (HttpOperationException e)
        {
            return (null, $"none (reading MetaBackupPolicy {ns}/{name} answered HTTP {(int)e.Response.StatusCode})");
        }
    }
}
