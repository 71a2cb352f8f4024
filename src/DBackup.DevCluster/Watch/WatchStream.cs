using System.Globalization;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Watch;

/// <summary>One open watch response: filters, converts and writes events, and enforces an injected event limit.</summary>
internal sealed class WatchStream(HttpContext ctx, ResourceType rt, string version, WatchFilter filter, int? limit, Func<JsonObject, bool, JsonObject>? toTable)
{
    private int _sent;

    /// <summary>Thrown once the fault-injected number of events has been sent: the stream ends there.</summary>
    internal sealed class LimitReachedException : Exception;

    public async Task<long> SendAsync(StoreEvent e)
    {
        if (filter.Translate(e) is { } type) await SendAsync(type, e.Object).ConfigureAwait(false);
        return e.Revision;
    }

    public async Task SendAsync(string type, StoredObject o)
    {
        if (limit is <= 0) throw new LimitReachedException();
        _sent++;
        if (toTable is not null)
        {
            // Only the first Table event carries column definitions, as the apiserver sends them.
            var t = toTable(ApiObjects.Output(o, rt, version), _sent > 1);
            await WatchHandler.WriteLineAsync(ctx, type, w => t.WriteTo(w)).ConfigureAwait(false);
        }
        else if (rt.Versions.Count > 1)
        {
            var converted = ApiObjects.Output(o, rt, version);
            await WatchHandler.WriteLineAsync(ctx, type, w => converted.WriteTo(w)).ConfigureAwait(false);
        }
        else
        {
            await WatchHandler.WriteLineAsync(ctx, type, w => w.WriteRawValue(o.Utf8, skipInputValidation: true)).ConfigureAwait(false);
        }
        if (limit is { } max && _sent >= max) throw new LimitReachedException();
    }

    /// <summary>A BOOKMARK carries only kind, apiVersion and metadata.resourceVersion (plus the initial-events-end marker).</summary>
    public Task BookmarkAsync(long revision, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd) meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        var obj = new JsonObject { ["kind"] = rt.Kind, ["apiVersion"] = rt.ApiVersion(version), ["metadata"] = meta };
        return WatchHandler.WriteLineAsync(ctx, "BOOKMARK", w => obj.WriteTo(w));
    }
}
