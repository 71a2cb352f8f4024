using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;

namespace DBackup.DevCluster.Http;

/// <summary>The watch cache's wait for a revision it has not reached yet (3 s, then 504 "Too large resource version").</summary>
internal static class Freshness
{
    public static async Task WaitForRevisionAsync(ServerContext server, long revision, CancellationToken ct)
    {
        for (var i = 0; i < 30 && server.Store.Revision < revision; i++) await Task.Delay(100, ct).ConfigureAwait(false);
        if (server.Store.Revision < revision)
        {
            throw new ApiException(504, "Timeout", $"Too large resource version: {revision}, current: {server.Store.Revision}",
                new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }), ["retryAfterSeconds"] = 1 });
        }
    }
}
