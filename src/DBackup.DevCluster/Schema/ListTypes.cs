using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Schema;

/// <summary>
/// <c>x-kubernetes-list-type</c> uniqueness, as apiextensions' listtype validation reports it:
/// a Duplicate error on the second occurrence, carrying the item (set) or its key fields (map).
/// </summary>
internal static class ListTypes
{
    public static void Validate(JsonArray array, SchemaNode s, string path, List<FieldError> errors)
    {
        switch (s.ListType)
        {
            case "set":
                for (var i = 0; i < array.Count; i++)
                {
                    if (array.Take(i).Any(prev => JsonNode.DeepEquals(prev, array[i])))
                    {
                        errors.Add(FieldError.Duplicate($"{path}[{i}]", array[i]));
                    }
                }

                break;
            case "map" when s.ListMapKeys.Count > 0:
                var seen = new List<JsonObject>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject item)
                    {
                        continue;
                    }

                    var key = new JsonObject();
                    foreach (var k in s.ListMapKeys)
                    {
                        key[k] = item[k]?.DeepClone();
                    }

                    if (seen.Any(prev => JsonNode.DeepEquals(prev, key)))
                    {
                        errors.Add(FieldError.Duplicate($"{path}[{i}]", key));
                    }

                    seen.Add(key);
                }

                break;
        }
    }
}
