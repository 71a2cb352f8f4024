using System.Net;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Faults;

namespace DBackup.DevCluster.Tests.Faults;

public sealed class FaultInjectionMiddlewareTests
{
    [Theory]
    [InlineData(429, "TooManyRequests", "Too many requests, please try again later.")]
    [InlineData(500, "InternalError", "Internal error occurred: injected fault")]
    [InlineData(503, "ServiceUnavailable", "the server is currently unable to handle the request")]
    [InlineData(504, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded")]
    public async Task Request_GetsKubernetesStatus_WhenStatusRuleMatches(int code, string reason, string message)
    {
        await using var server = await FaultServer.StartAsync();
        server.Faults.Add(FaultRule.Status(code));

        using var response = await server.Client.GetAsync("/api/v1/namespaces");

        Assert.Equal(code, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        Assert.Equal(message, status["message"]!.GetValue<string>());
        Assert.Equal(code, status["code"]!.GetValue<int>());
        Assert.Equal(0, server.Served);
    }

    [Fact]
    public async Task Request_GetsRetryAfterHeaderAndDetails_When429HasRetryAfter()
    {
        await using var server = await FaultServer.StartAsync();
        server.Faults.Add(FaultRule.Status(429, TimeSpan.FromSeconds(2.5)));

        using var response = await server.Client.GetAsync("/apis/dbackup.io/v1/backups");

        Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(3, status["details"]!["retryAfterSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Request_GetsRetryAfterOneSecond_When429HasNoRetryAfter()
    {
        await using var server = await FaultServer.StartAsync();
        server.Faults.Add(FaultRule.Status(429));

        using var response = await server.Client.GetAsync("/api");

        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task Request_GetsDelayedStatusWithRetryAfter_When503HasLatencyAndRetryAfter()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = new FaultRule { StatusCode = 503, Latency = TimeSpan.FromMilliseconds(20), RetryAfter = TimeSpan.FromSeconds(5) };
        server.Faults.Add(rule);

        using var response = await server.Client.GetAsync("/apis");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(0, server.Served);
    }

    [Fact]
    public async Task Request_GetsGenericStatus_ForUncommonCode()
    {
        await using var server = await FaultServer.StartAsync();
        server.Faults.Add(FaultRule.Status(418));

        using var response = await server.Client.GetAsync("/api");

        Assert.Equal(418, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("injected fault: HTTP 418", status["message"]!.GetValue<string>());
        Assert.Equal("", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_IsServed_WhenNoRuleMatches()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = new FaultRule { StatusCode = 500, PathPattern = "/apis/*", Method = "POST" };
        server.Faults.Add(rule);

        using var get = await server.Client.GetAsync("/apis/x");
        using var other = await server.Client.PostAsync("/api/v1/x", new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(0, rule.Fired);
        Assert.Equal(2, server.Served);
    }

    [Fact]
    public async Task Request_ConnectionIsReset_WhenResetRuleMatches()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = server.Faults.Add(FaultRule.Reset("/api/v1/configmaps"));

        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync("/api/v1/configmaps"));
        rule.Dispose();
        using var after = await server.Client.GetAsync("/api/v1/configmaps");

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Request_IsDelayedThenServed_WhenLatencyRuleMatches()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = FaultRule.Delay(TimeSpan.FromMilliseconds(50));
        server.Faults.Add(rule);

        using var response = await server.Client.GetAsync("/healthz");

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, rule.Fired);
        Assert.Equal(1, server.Served);
    }

    [Fact]
    public async Task Request_FailsOnlyEveryNth_WhenEveryNthIsSet()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = new FaultRule { StatusCode = 503, EveryNth = 3 };
        server.Faults.Add(rule);

        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await server.Client.GetAsync("/api");
            codes.Add((int)response.StatusCode);
        }

        Assert.Equal([200, 200, 503, 200, 200, 503], codes);
        Assert.Equal(2, rule.Fired);
        Assert.Equal(6, rule.Matched);
    }

    [Fact]
    public async Task Request_FailsOnlyNTimes_WhenTimesIsSet()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = new FaultRule { StatusCode = 500, Times = 2 };
        server.Faults.Add(rule);

        var codes = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await server.Client.GetAsync("/api");
            codes.Add((int)response.StatusCode);
        }

        Assert.Equal([500, 500, 200, 200], codes);
        Assert.Equal(2, rule.Fired);
    }

    [Fact]
    public async Task WatchEventLimit_DropsStreamAfterEvents_WhenDropWatchRuleMatches()
    {
        await using var server = await FaultServer.StartAsync();
        var rule = FaultRule.DropWatch(3, "/watch*");
        server.Faults.Add(rule);

        var body = await server.Client.GetStringAsync("/watch?watch=true");

        Assert.Equal("event0\nevent1\nevent2\n", body);
        Assert.Equal(1, rule.Fired);
        Assert.Equal(1, server.Served);
    }
}
