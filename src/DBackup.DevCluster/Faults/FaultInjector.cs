using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Faults;

/// <summary>
/// Runtime-configurable fault injection for DevCluster's HTTP API (exposed as <c>DevCluster.Faults</c>):
/// tests add rules to make the API server slow, failing, throttling or dropping connections and watches.
/// </summary>
/// <remarks>
/// Thread-safe. Rules are evaluated in the order they were added; the first one that acts on a
/// request decides its fate.
/// </remarks>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private FaultRule[] _rules = [];

    /// <summary>The rules currently active, in evaluation order.</summary>
    public IReadOnlyList<FaultRule> Rules => Volatile.Read(ref _rules);

    /// <summary>Activates <paramref name="rule"/> until the returned handle is disposed (or <see cref="Clear"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    public IDisposable Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_gate)
        {
            _rules = [.. _rules, rule];
        }

        return new Removal(this, rule);
    }

    /// <summary>Deactivates <paramref name="rule"/>; returns false when it was not active.</summary>
    public bool Remove(FaultRule rule)
    {
        lock (_gate)
        {
            var before = _rules.Length;
            _rules = _rules.Where(r => !ReferenceEquals(r, rule)).ToArray();
            return _rules.Length != before;
        }
    }

    /// <summary>Deactivates all rules.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules = [];
        }
    }

    /// <summary>
    /// For the watch writer: the number of events after which to close this watch, from the first
    /// matching rule with <see cref="FaultRule.DropWatchAfterEvents"/>; null to stream normally.
    /// </summary>
    public int? WatchEventLimit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (method, path, full) = Target(context.Request);
        foreach (var rule in Volatile.Read(ref _rules))
        {
            if (rule.DropWatchAfterEvents is { } limit && rule.TryFire(method, path, full))
            {
                return limit;
            }
        }

        return null;
    }

    /// <summary>The first rule (without a watch limit) that acts on this request, or null.</summary>
    internal FaultRule? Match(HttpRequest request)
    {
        var (method, path, full) = Target(request);
        foreach (var rule in Volatile.Read(ref _rules))
        {
            if (rule.DropWatchAfterEvents is null && rule.TryFire(method, path, full))
            {
                return rule;
            }
        }

        return null;
    }

    private static (string Method, string Path, string Full) Target(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        return (request.Method, path, path + request.QueryString.Value);
    }

    private sealed class Removal(FaultInjector owner, FaultRule rule) : IDisposable
    {
        public void Dispose() => owner.Remove(rule);
    }
}
