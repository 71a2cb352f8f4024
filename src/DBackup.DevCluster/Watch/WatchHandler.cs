using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Http;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Store;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Watch;

/// <summary>
/// Serves ?watch=true as a stream of one JSON event per line, flushed per event: initial ADDED events
/// when no resourceVersion is given, then every change after it in revision order, BOOKMARKs when
/// asked for, and a single ERROR event (Status 410 Expired) when the revision was compacted.
/// </summary>
internal sealed class WatchHandler(ServerContext server, Func<HttpContext, int?> eventLimit)
{
    public async Task ServeAsync(HttpContext ctx, ResourceType rt, string version, string ns)
    {
        var q = ctx.Request.Query;
        var filter = new WatchFilter(rt.Namespaced ? ns : "", LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"], rt));
        var rv = q["resourceVersion"].FirstOrDefault() ?? "";
        var bookmarks = ApiHandler.IsTrue(q["allowWatchBookmarks"]);
        var initialEnd = ApiHandler.IsTrue(q["sendInitialEvents"]);
        var timeout = int.TryParse(q["timeoutSeconds"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0
            ? TimeSpan.FromSeconds(t) : Timeout.InfiniteTimeSpan;
        var table = ApiHandler.WantsTable(ctx);

        IReadOnlyList<StoredObject> initial = [];
        long from;
        if (rv is "" or "0" || initialEnd)
        {
            var page = server.Store.List(rt.Key, rt.Namespaced ? ns : "", null, null, filter.Matches, 0);
            (initial, from) = (page.Items, page.Revision);
        }
        else if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            throw ApiErrors.BadRequest($"invalid resource version \"{rv}\"");
        }
        else
        {
            await Freshness.WaitForRevisionAsync(server, from, ctx.RequestAborted).ConfigureAwait(false);
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        IReadOnlyList<StoreEvent> backlog;
        System.Threading.Channels.ChannelReader<StoreEvent> live;
        IDisposable subscription;
        try
        {
            (backlog, live, subscription) = server.Store.Watch(rt.Key, from);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.TooOld)
        {
            // The apiserver answers 200 and then one ERROR event; clients turn it into a 410 and relist.
            var status = ApiErrors.Expired($"too old resource version: {from} ({e.Message})").ToStatus();
            await WriteLineAsync(ctx, "ERROR", w => status.WriteTo(w)).ConfigureAwait(false);
            return;
        }

        using var _ = subscription;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, server.Stopping.Token);
        if (timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout);
        var stream = new WatchStream(ctx, rt, version, filter, eventLimit(ctx), table ? (o, noHeaders) => ApiHandler.ToTable(ctx, rt, version, [o], new JsonObject { ["resourceVersion"] = o["metadata"]?["resourceVersion"]?.DeepClone() }, noHeaders) : null);
        try
        {
            await ctx.Response.StartAsync(cts.Token).ConfigureAwait(false);
            await ctx.Response.Body.FlushAsync(cts.Token).ConfigureAwait(false);
            foreach (var o in initial) await stream.SendAsync("ADDED", o).ConfigureAwait(false);
            var lastRevision = from;
            if (initialEnd) await stream.BookmarkAsync(from, initialEventsEnd: true).ConfigureAwait(false);
            foreach (var e in backlog) lastRevision = await stream.SendAsync(e).ConfigureAwait(false);
            await FollowAsync(stream, live, bookmarks, lastRevision, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed or the client left: the stream simply ends.
        }
        catch (WatchStream.LimitReachedException)
        {
            // Fault injection: the server closes the stream after N events, as a restarting apiserver would.
        }
    }

    private async Task FollowAsync(WatchStream stream, System.Threading.Channels.ChannelReader<StoreEvent> live, bool bookmarks, long lastRevision, CancellationToken ct)
    {
        var wait = live.WaitToReadAsync(ct).AsTask();
        var bookmarkDue = bookmarks ? Task.Delay(server.Options.BookmarkInterval, ct) : Task.Delay(Timeout.Infinite, ct);
        while (true)
        {
            var done = await Task.WhenAny(wait, bookmarkDue).ConfigureAwait(false);
            if (done == wait)
            {
                if (!await wait.ConfigureAwait(false)) return;
                while (live.TryRead(out var e)) lastRevision = await stream.SendAsync(e).ConfigureAwait(false);
                wait = live.WaitToReadAsync(ct).AsTask();
                continue;
            }
            await bookmarkDue.ConfigureAwait(false);
            // Every event up to the store revision read here is already in the channel: send those first.
            var revision = server.Store.Revision;
            while (live.TryRead(out var e)) lastRevision = await stream.SendAsync(e).ConfigureAwait(false);
            await stream.BookmarkAsync(Math.Max(revision, lastRevision), initialEventsEnd: false).ConfigureAwait(false);
            bookmarkDue = Task.Delay(server.Options.BookmarkInterval, ct);
        }
    }

    internal static async Task WriteLineAsync(HttpContext ctx, string type, Action<Utf8JsonWriter> writeObject)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            writeObject(w);
            w.WriteEndObject();
        }
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray(), ctx.RequestAborted).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
