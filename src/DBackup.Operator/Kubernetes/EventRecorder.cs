using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Kubernetes;

/// <summary>
/// Records core/v1 Events on our objects (<c>kubectl describe</c> and <c>kubectl get events</c> show them), like
/// client-go's <c>EventRecorder</c>. Recording never fails the caller: an API error is logged and dropped,
/// because an event is a courtesy to the user, not part of the work.
/// </summary>
/// <remarks>
/// Messages are shown to anyone who may read events in the namespace: callers pass names, counts and reasons,
/// never Secret values, keys or credentials.
/// </remarks>
/// <param name="client">The API client.</param>
/// <param name="logger">Where failures to record are logged.</param>
/// <param name="time">Clock for the timestamps; the system clock when null.</param>
/// <param name="instance">Reporting instance (the pod name); <c>POD_NAME</c> or the machine name when null.</param>
public sealed class EventRecorder(IKubernetes client, ILogger<EventRecorder> logger, TimeProvider? time = null, string? instance = null)
{
    /// <summary>Source component of our events.</summary>
    public const string Component = "dbackup-operator";

    /// <summary>Type of an event about normal operation.</summary>
    public const string Normal = "Normal";

    /// <summary>Type of an event about a problem.</summary>
    public const string Warning = "Warning";

    /// <summary>How long <see cref="TryRecordAsync"/> waits for the API server unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    // Kubernetes caps events.k8s.io notes at 1 kB; core/v1 is laxer, but a longer message helps nobody in kubectl.
    private const int MaxMessageLength = 1024;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly string _instance = instance ?? (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName);

    /// <summary>Records a <see cref="Normal"/> event on <paramref name="involved"/>; returns whether it was stored.</summary>
    public Task<bool> NormalAsync(IKubernetesObject<V1ObjectMeta> involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, Normal, reason, message, cancellationToken);

    /// <summary>Records a <see cref="Warning"/> event on <paramref name="involved"/>; returns whether it was stored.</summary>
    public Task<bool> WarningAsync(IKubernetesObject<V1ObjectMeta> involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, Warning, reason, message, cancellationToken);

    /// <summary>Records an event on <paramref name="involved"/>; returns whether it was stored. Never throws.</summary>
    /// <param name="involved">The object the event is about (its namespace holds the event).</param>
    /// <param name="type"><see cref="Normal"/> or <see cref="Warning"/>.</param>
    /// <param name="reason">CamelCase reason, e.g. <c>BackupSucceeded</c>.</param>
    /// <param name="message">One human-readable sentence without secret values.</param>
    /// <param name="cancellationToken">Cancels the request (reported as not stored).</param>
    public async Task<bool> RecordAsync(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        try
        {
            await CreateAsync(involved, type, reason, message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            LogFailure(involved, type, reason, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Records an event about something that already happened, giving up after <paramref name="timeout"/>: the way
    /// reconcilers and runners report, so that a slow or unresponsive API server never holds their work for long.
    /// Returns whether the event was stored.
    /// </summary>
    /// <remarks>
    /// A failure or a timeout is logged as a warning (type, reason and object only: never the message) and returns
    /// false. Only the caller's own cancellation is thrown. Callers that report work which is over pass no token, so
    /// the event still goes out while the operator stops. The timeout runs on the wall clock, not on this recorder's
    /// <see cref="TimeProvider"/>: it bounds a network call.
    /// </remarks>
    /// <param name="involved">The object the event is about (its namespace holds the event).</param>
    /// <param name="type"><see cref="Normal"/> or <see cref="Warning"/>.</param>
    /// <param name="reason">CamelCase reason, e.g. <c>BackupSucceeded</c>.</param>
    /// <param name="message">One human-readable sentence without secret values.</param>
    /// <param name="timeout">How long to wait for the API server; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation, which is thrown.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public async Task<bool> TryRecordAsync(
        IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(limit);
        try
        {
            await CreateAsync(involved, type, reason, message, bounded.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (bounded.IsCancellationRequested)
        {
            LogFailure(involved, type, reason, $"no answer within {limit.TotalSeconds:0.###} s ({e.GetType().Name})");
            return false;
        }
        catch (Exception e)
        {
            LogFailure(involved, type, reason, e.Message);
            return false;
        }
    }

    private async Task CreateAsync(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, CancellationToken ct)
    {
        var ev = Build(involved, type, reason, message);
        await client.CoreV1.CreateNamespacedEventAsync(ev, ev.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
    }

    private void LogFailure(IKubernetesObject<V1ObjectMeta>? involved, string type, string reason, string error) =>
        logger.LogWarning("Could not record {Type} event {Reason} on {Kind} {Namespace}/{Name}: {Error}",
            type, reason, involved?.Kind, involved?.Metadata?.NamespaceProperty, involved?.Metadata?.Name, error);

    /// <summary>The event object, named like client-go's (<c>&lt;object&gt;.&lt;hex time&gt;</c>).</summary>
    internal Corev1Event Build(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(involved);
        var now = _time.GetUtcNow();
        var meta = involved.Metadata;
        var ns = string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty;
        var text = message.Length > MaxMessageLength ? message[..(MaxMessageLength - 3)] + "..." : message;
        var stamp = (now.ToUnixTimeMilliseconds() * 1_000_000) + Random.Shared.Next(1_000_000);
        return new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{meta.Name}.{stamp:x}", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = involved.ApiVersion,
                Kind = involved.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = text,
            Source = new V1EventSource { Component = Component },
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
            ReportingComponent = Component,
            ReportingInstance = _instance,
        };
    }
}
