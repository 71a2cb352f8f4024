using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// apiextensions' structural defaulting: first drop non-nullable nulls that have no default
/// (PruneNonNullableNullsWithoutDefaults), then fill in defaults for missing properties, and for
/// non-nullable nulls, recursively (defaulting.Default).
/// </summary>
internal static class Defaulting
{
    private static SchemaNode? SchemaForField(string key, SchemaNode? s) =>
        s is null ? null : s.Properties.TryGetValue(key, out var p) ? p : s.AdditionalProperties;

    public static void PruneNulls(JsonNode? x, SchemaNode? s)
    {
        switch (x)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    var schema = SchemaForField(key, s);
                    if (value is null && schema is { Nullable: false, Default: null })
                    {
                        o.Remove(key);
                    }
                    else
                    {
                        PruneNulls(value, schema);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    PruneNulls(item, s?.Items);
                }

                break;
        }
    }

    public static void Apply(JsonNode? x, SchemaNode? s)
    {
        if (s is null)
        {
            return;
        }

        switch (x)
        {
            case JsonObject o:
                foreach (var (key, prop) in s.Properties)
                {
                    if (prop.Default is not null && (!o.ContainsKey(key) || (o[key] is null && !prop.Nullable)))
                    {
                        o[key] = prop.Default.DeepClone();
                    }
                }

                foreach (var (key, value) in o.ToList())
                {
                    if (s.Properties.TryGetValue(key, out var prop))
                    {
                        Apply(value, prop);
                    }
                    else if (s.AdditionalProperties is { } ap)
                    {
                        if (value is null && !ap.Nullable && ap.Default is not null)
                        {
                            o[key] = ap.Default.DeepClone();
                        }

                        Apply(o[key], ap);
                    }
                }

                break;
            case JsonArray a when s.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is null && !items.Nullable && items.Default is not null)
                    {
                        a[i] = items.Default.DeepClone();
                    }

                    Apply(a[i], items);
                }

                break;
        }
    }
}
