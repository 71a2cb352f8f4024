using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DBackup.DevCluster.Resources;
using DBackup.DevCluster.Schema;
using DBackup.DevCluster.Store;
using Microsoft.AspNetCore.Http;

namespace DBackup.DevCluster.Http;

internal sealed partial class ApiHandler
{
    private const string ContinueTooOld = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    /// <summary>
    /// LIST with the apiserver's resourceVersion rules: unset = latest; "0" = any (served whole, limit ignored);
    /// N with Exact (or with a limit and no match) = the snapshot at N; N with NotOlderThan = latest, but not before N exists.
    /// Pages continue from the first page's snapshot; a compacted snapshot answers 410 Expired.
    /// </summary>
    private async Task ListAsync(HttpContext ctx, ResourceType rt, string version, string ns)
    {
        var q = ctx.Request.Query;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"], rt);
        var rv = q["resourceVersion"].FirstOrDefault() ?? "";
        var match = q["resourceVersionMatch"].FirstOrDefault() ?? "";
        var cont = q["continue"].FirstOrDefault() ?? "";
        var limit = int.TryParse(q["limit"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
        long? at = null;
        string? after = null;
        if (match.Length > 0 && rv.Length == 0)
            throw ApiErrors.Invalid("meta.k8s.io", "ListOptions", "", [new FieldError("resourceVersionMatch", FieldErrorTypes.Forbidden, "resourceVersionMatch is forbidden unless resourceVersion is provided", null)]);
        if (match is not ("" or "Exact" or "NotOlderThan"))
            throw ApiErrors.Invalid("meta.k8s.io", "ListOptions", "", [FieldError.NotSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""])]);
        if (cont.Length > 0)
        {
            if (rv.Length > 0) throw ApiErrors.BadRequest("specifying resource version is not allowed when using continue");
            var (snapshot, key) = ContinueToken.Decode(cont);
            at = snapshot > 0 ? snapshot : null;
            after = key;
        }
        else if (rv == "0")
        {
            if (match == "Exact") throw ApiErrors.Invalid("meta.k8s.io", "ListOptions", "", [new FieldError("resourceVersionMatch", FieldErrorTypes.Forbidden, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"", null)]);
            limit = 0;
        }
        else if (rv.Length > 0)
        {
            if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw ApiErrors.BadRequest($"invalid resource version \"{rv}\"");
            await Freshness.WaitForRevisionAsync(server, n, ctx.RequestAborted).ConfigureAwait(false);
            if (match == "Exact" || (match.Length == 0 && limit > 0)) at = n;
        }

        ListPage page;
        try
        {
            page = server.Store.List(rt.Key, rt.Namespaced ? ns : "", at, after,
                labels.IsEmpty && fields.IsEmpty ? null : o => labels.Matches(o.Labels) && fields.Matches(o), limit);
        }
        catch (StoreException e) when (e.Failure == StoreFailure.TooOld)
        {
            if (cont.Length == 0) throw ApiErrors.Expired("The resourceVersion for the provided list is too old.");
            var inconsistent = ContinueToken.Encode(-1, after!);
            var ex = ApiErrors.Expired(ContinueTooOld);
            var status = ex.ToStatus();
            ((JsonObject)status["metadata"]!)["continue"] = inconsistent;
            await Responses.WriteJsonAsync(ctx, 410, status).ConfigureAwait(false);
            return;
        }
        var listMeta = new JsonObject { ["resourceVersion"] = page.Revision.ToString(CultureInfo.InvariantCulture) };
        if (page.More) listMeta["continue"] = ContinueToken.Encode(page.Revision, page.LastKey!);
        if (page.Remaining is { } remaining) listMeta["remainingItemCount"] = remaining;
        if (WantsTable(ctx))
        {
            await WriteTableAsync(ctx, rt, version, page.Items.Select(i => ApiObjects.Output(i, rt, version)).ToList(), listMeta).ConfigureAwait(false);
            return;
        }
        await WriteListAsync(ctx, rt, version, page.Items, listMeta).ConfigureAwait(false);
    }

    // Items are copied as stored bytes: lists of 100k objects never materialise a DOM.
    private static async Task WriteListAsync(HttpContext ctx, ResourceType rt, string version, IReadOnlyList<StoredObject> items, JsonObject listMeta)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        var convert = rt.Versions.Count > 1;
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter.AsStream());
        w.WriteStartObject();
        w.WriteString("kind", rt.ListKind);
        w.WriteString("apiVersion", rt.ApiVersion(version));
        w.WritePropertyName("metadata");
        listMeta.WriteTo(w);
        w.WriteStartArray("items");
        for (var i = 0; i < items.Count; i++)
        {
            if (convert) ApiObjects.Output(items[i], rt, version).WriteTo(w);
            else w.WriteRawValue(items[i].Utf8, skipInputValidation: true);
            if (w.BytesPending > 32 * 1024) await w.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
