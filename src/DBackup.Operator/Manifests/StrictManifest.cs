using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace DBackup.Operator.Manifests;

/// <summary>
/// Reads a one-object manifest file into its C# type strictly, as the API server's strict field validation
/// does: YAML by kubectl's rules (<see cref="ManifestLoader"/>), then the client's JSON binding, and every field
/// the type does not know is an error naming its path. It needs no <c>KubernetesYaml</c>, whose first use builds a
/// serializer for every API type (about a quarter of a second of a CLI run).
/// </summary>
internal static class StrictManifest
{
    /// <summary>Parses <paramref name="text"/> (YAML, or JSON for a <c>.json</c> name) into one <typeparamref name="T"/>.</summary>
    /// <exception cref="ManifestException">Malformed, not exactly one object, a wrongly typed value, or an unknown field.</exception>
    public static T Read<T>(string fileName, string text)
        where T : class
    {
        var documents = ManifestLoader.LoadText(fileName, text);
        if (documents.Count != 1)
        {
            throw new ManifestException($"it holds {documents.Count} objects, not one");
        }

        var input = documents[0].Object;
        T entity;
        try
        {
            entity = KubernetesJson.Deserialize<T>(input.ToJsonString()) ?? throw new ManifestException("it is empty");
        }
        catch (JsonException e)
        {
            throw new ManifestException(e.Path is { Length: > 1 } path ? $"{path[2..]}: wrong type of value" : e.Message, e);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or NotSupportedException)
        {
            // The client's own converters (RFC 3339 times, quantities) throw these without a JSON path.
            throw new ManifestException(e.Message, e);
        }

        // What the type kept, written back: any input field missing from it was not understood.
        var understood = JsonNode.Parse(KubernetesJson.Serialize(entity));
        var unknown = new List<string>();
        CollectUnknown(input, understood, string.Empty, unknown);
        if (unknown.Count > 0)
        {
            throw new ManifestException($"unknown field{(unknown.Count == 1 ? string.Empty : "s")} {string.Join(", ", unknown.Take(5).Select(p => $"\"{p}\""))}");
        }

        return entity;
    }

    private static void CollectUnknown(JsonNode? input, JsonNode? understood, string path, List<string> unknown)
    {
        switch (input)
        {
            case JsonObject fields:
                foreach (var (name, value) in fields)
                {
                    var at = path.Length == 0 ? name : $"{path}.{name}";
                    if (value is null)
                    {
                        continue; // An explicit null is "not set", which every field accepts.
                    }

                    if (understood is not JsonObject kept || !kept.TryGetPropertyValue(name, out var keptValue))
                    {
                        unknown.Add(at);
                        continue;
                    }

                    CollectUnknown(value, keptValue, at, unknown);
                }

                break;
            case JsonArray items when understood is JsonArray keptItems && keptItems.Count == items.Count:
                for (var i = 0; i < items.Count; i++)
                {
                    CollectUnknown(items[i], keptItems[i], $"{path}[{i}]", unknown);
                }

                break;
        }
    }
}
