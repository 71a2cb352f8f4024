using DBackup.DevCluster.Faults;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Tests.Faults;

public sealed class FaultInjectorTests
{
    [Theory]
    // Globs: * spans slashes, ? is one character, the query is optional.
    [InlineData("*", "GET", "/api/v1/pods", "", true)]
    [InlineData("/api/v1/*", "GET", "/api/v1/namespaces/a/pods", "", true)]
    [InlineData("/api/v1/*", "GET", "/apis/apps/v1", "", false)]
    [InlineData("/api/v?/pods", "GET", "/api/v1/pods", "", true)]
    [InlineData("*watch=true*", "GET", "/api/v1/pods", "?watch=true&rv=1", true)]
    [InlineData("*watch=true*", "GET", "/api/v1/pods", "?rv=1", false)]
    // A leading ^ makes the pattern a regular expression.
    [InlineData("^/apis/dbackup\\.io/v1/.*/backups$", "GET", "/apis/dbackup.io/v1/namespaces/a/backups", "", true)]
    [InlineData("^/apis/dbackup\\.io/v1/.*/backups$", "GET", "/apis/dbackup.io/v1/namespaces/a/backups/x", "", false)]
    public void Match_HonoursPathPattern(string pattern, string method, string path, string query, bool expected)
    {
        var faults = new FaultInjector();
        faults.Add(new FaultRule { PathPattern = pattern, StatusCode = 500 });

        Assert.Equal(expected, faults.Match(Request(method, path, query)) is not null);
    }

    [Theory]
    [InlineData("PATCH", "PATCH", true)]
    [InlineData("patch", "PATCH", true)]
    [InlineData("PUT", "PATCH", false)]
    [InlineData(null, "DELETE", true)]
    public void Match_HonoursMethod(string? ruleMethod, string requestMethod, bool expected)
    {
        var faults = new FaultInjector();
        faults.Add(new FaultRule { Method = ruleMethod, StatusCode = 500 });

        Assert.Equal(expected, faults.Match(Request(requestMethod, "/api", "")) is not null);
    }

    [Fact]
    public void Match_PicksFirstActingRule_InAddOrder()
    {
        var faults = new FaultInjector();
        var first = new FaultRule { StatusCode = 500, Times = 1 };
        var second = new FaultRule { StatusCode = 503 };
        faults.Add(first);
        faults.Add(second);

        Assert.Same(first, faults.Match(Request("GET", "/api", "")));
        Assert.Same(second, faults.Match(Request("GET", "/api", "")));
        Assert.Equal((1, 1), (first.Fired, second.Fired));
    }

    [Fact]
    public void AddDisposeClear_ManageActiveRules()
    {
        var faults = new FaultInjector();
        var a = FaultRule.Status(500);
        var b = FaultRule.Status(503);
        var handle = faults.Add(a);
        faults.Add(b);

        handle.Dispose();
        Assert.Equal([b], faults.Rules);
        faults.Clear();
        Assert.Empty(faults.Rules);
        Assert.Null(faults.Match(Request("GET", "/api", "")));
    }

    [Fact]
    public void WatchEventLimit_IgnoresRulesWithoutLimit_AndMiddlewareIgnoresWatchRules()
    {
        var faults = new FaultInjector();
        var drop = FaultRule.DropWatch(5);
        faults.Add(drop);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/pods";

        Assert.Null(faults.Match(context.Request));
        Assert.Equal(5, faults.WatchEventLimit(context));
        Assert.Equal(1, drop.Fired);
    }

    [Fact]
    public void Fired_IsCountedExactly_UnderConcurrentRequests()
    {
        var faults = new FaultInjector();
        var rule = new FaultRule { StatusCode = 500, EveryNth = 2, Times = 100 };
        faults.Add(rule);

        Parallel.For(0, 1000, _ => faults.Match(Request("GET", "/api", "")));

        Assert.Equal(1000, rule.Matched);
        Assert.Equal(100, rule.Fired);
    }

    [Fact]
    public void With_CreatesIndependentRule_WithFreshCounters()
    {
        var faults = new FaultInjector();
        var rule = FaultRule.Status(500);
        faults.Add(rule);
        faults.Match(Request("GET", "/api", ""));

        var copy = rule with { StatusCode = 503 };

        Assert.Equal(1, rule.Fired);
        Assert.Equal(0, copy.Fired);
        Assert.NotEqual(rule, copy);
        Assert.Equal(503, copy.StatusCode);
    }

    private static HttpRequest Request(string method, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        return context.Request;
    }
}
