using System.Text.RegularExpressions;

namespace DBackup.DevCluster.Faults;

/// <summary>
/// One fault to inject into DevCluster's HTTP API: which requests it matches and what happens
/// to them. Add it with <see cref="FaultInjector.Add"/>; <see cref="Fired"/> counts how often it acted.
/// </summary>
/// <remarks>
/// A rule is an identity: two rules with the same settings are still different rules, and a
/// <c>with</c> copy starts with fresh counters.
/// </remarks>
public sealed record FaultRule
{
    private readonly object _gate = new();
    private Regex? _regex;
    private int _matched;
    private int _fired;

    /// <summary>Creates a rule; set the properties with an object initializer or use a factory.</summary>
    public FaultRule()
    {
    }

    private FaultRule(FaultRule other)
    {
        _gate = new object();
        Method = other.Method;
        PathPattern = other.PathPattern;
        StatusCode = other.StatusCode;
        RetryAfter = other.RetryAfter;
        Latency = other.Latency;
        EveryNth = other.EveryNth;
        Times = other.Times;
        ResetConnection = other.ResetConnection;
        DropWatchAfterEvents = other.DropWatchAfterEvents;
    }

    /// <summary>HTTP method to match (case-insensitive), or null for any.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Request target to match. A pattern starting with <c>^</c> is a regular expression; anything
    /// else is a glob where <c>*</c> matches any run of characters (including <c>/</c>) and
    /// <c>?</c> one character. It is tried against the path and against path plus <c>?query</c>.
    /// </summary>
    public string PathPattern { get; init; } = "*";

    /// <summary>Answer with this status and a Kubernetes Status body instead of serving the request.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, rounded up) with <see cref="StatusCode"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Delay before the request is answered (or served, when nothing else is set).</summary>
    public TimeSpan? Latency { get; init; }

    /// <summary>Only act on every Nth matching request (the Nth, 2Nth, …); null acts on each.</summary>
    public int? EveryNth { get; init; }

    /// <summary>How many times the rule may act; null means without limit.</summary>
    public int? Times { get; init; }

    /// <summary>Abort the connection (the client sees a reset) instead of answering.</summary>
    public bool ResetConnection { get; init; }

    /// <summary>
    /// For watches: the server closes the watch stream after this many events. Rules with this
    /// set are consulted by <see cref="FaultInjector.WatchEventLimit"/>, not by the middleware.
    /// </summary>
    public int? DropWatchAfterEvents { get; init; }

    /// <summary>How many times this rule has acted.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>How many requests matched method and path (acted on or not).</summary>
    public int Matched => Volatile.Read(ref _matched);

    /// <summary>Answers matching requests with <paramref name="statusCode"/> (e.g. 429, 500, 503, 504).</summary>
    public static FaultRule Status(int statusCode, TimeSpan? retryAfter = null, string pathPattern = "*", string? method = null) =>
        new() { StatusCode = statusCode, RetryAfter = retryAfter, PathPattern = pathPattern, Method = method };

    /// <summary>Resets the connection of matching requests.</summary>
    public static FaultRule Reset(string pathPattern = "*", string? method = null) =>
        new() { ResetConnection = true, PathPattern = pathPattern, Method = method };

    /// <summary>Delays matching requests by <paramref name="latency"/>, then serves them normally.</summary>
    public static FaultRule Delay(TimeSpan latency, string pathPattern = "*", string? method = null) =>
        new() { Latency = latency, PathPattern = pathPattern, Method = method };

    /// <summary>Closes matching watch streams after <paramref name="events"/> events.</summary>
    public static FaultRule DropWatch(int events, string pathPattern = "*") =>
        new() { DropWatchAfterEvents = events, PathPattern = pathPattern, Method = "GET" };

    /// <summary>Reference equality: each rule is its own counter-carrying instance.</summary>
    public bool Equals(FaultRule? other) => ReferenceEquals(this, other);

    /// <summary>Identity hash, consistent with <see cref="Equals(FaultRule?)"/>.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary>Counts a request and decides whether the rule acts on it.</summary>
    internal bool TryFire(string method, string path, string pathAndQuery)
    {
        if ((Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            || !(PathMatches(path) || PathMatches(pathAndQuery)))
        {
            return false;
        }

        lock (_gate)
        {
            _matched++;
            if ((EveryNth is { } n && n > 1 && _matched % n != 0) || (Times is { } t && _fired >= t))
            {
                return false;
            }

            _fired++;
            return true;
        }
    }

    private bool PathMatches(string target)
    {
        _regex ??= new Regex(
            PathPattern.StartsWith('^') ? PathPattern : "^" + Regex.Escape(PathPattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant);
        return _regex.IsMatch(target);
    }
}
