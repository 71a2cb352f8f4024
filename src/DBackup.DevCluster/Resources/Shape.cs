using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Resources;

/// <summary>
/// The field layout of a built-in type, deep enough to drop unknown fields the way decoding into the Go
/// structs does (and to report them for fieldValidation). <see cref="Any"/> keeps a subtree untouched.
/// </summary>
internal sealed class Shape
{
    private Shape(Dictionary<string, Shape>? fields, Shape? values, Shape? items)
    {
        Fields = fields;
        Values = values;
        Items = items;
    }

    public static readonly Shape Any = new(null, null, null);

    private Dictionary<string, Shape>? Fields { get; }
    private Shape? Values { get; }
    private Shape? Items { get; }

    /// <summary>An object with these fields; a bare name is a field of any content.</summary>
    public static Shape Obj(params object[] fields)
    {
        var map = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            switch (f)
            {
                case string name: map[name] = Any; break;
                case ValueTuple<string, Shape> t: map[t.Item1] = t.Item2; break;
                default: throw new ArgumentException("fields are names or (name, shape) pairs", nameof(fields));
            }
        }
        return new Shape(map, null, null);
    }

    public static Shape ListOf(Shape item) => new(null, null, item);

    /// <summary>This shape plus <paramref name="more"/> fields.</summary>
    public Shape With(params object[] more)
    {
        var extra = Obj(more);
        var map = new Dictionary<string, Shape>(Fields ?? [], StringComparer.Ordinal);
        foreach (var (k, v) in extra.Fields!) map[k] = v;
        return new Shape(map, null, null);
    }

    /// <summary>Removes fields the shape does not know, appending their paths (e.g. <c>spec.ports[0].foo</c>) to <paramref name="unknown"/>.</summary>
    public void Prune(JsonNode? node, string path, List<string>? unknown)
    {
        if (Fields is not null && node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (Fields.TryGetValue(key, out var shape))
                {
                    shape.Prune(obj[key], child, unknown);
                    continue;
                }
                unknown?.Add(child);
                obj.Remove(key);
            }
        }
        else if (Values is not null && node is JsonObject map)
        {
            foreach (var (key, value) in map.ToList()) Values.Prune(value, $"{path}[{key}]", unknown);
        }
        else if (Items is not null && node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++) Items.Prune(array[i], $"{path}[{i}]", unknown);
        }
    }
}
