using System.Text.Json.Nodes;

namespace DBackup.Operator.Kubernetes;

/// <summary>Field-level comparison of two objects, for restore decisions and short diffs in status.</summary>
public static class ObjectDiff
{
    private const int MaxPathsInSummary = 5;

    /// <summary>Whether every field of <paramref name="wanted"/> has the same value in <paramref name="actual"/>.</summary>
    public static bool IsSubset(JsonNode? wanted, JsonNode? actual) => Differences(wanted, actual, string.Empty).Count == 0;

    /// <summary>A short list of the paths where <paramref name="wanted"/> differs from <paramref name="current"/>, e.g. <c>changed: data.color, metadata.labels.tier</c>.</summary>
    public static string Summary(JsonNode? current, JsonNode? wanted)
    {
        var paths = Differences(wanted, current, string.Empty);
        var shown = string.Join(", ", paths.Take(MaxPathsInSummary));
        return paths.Count > MaxPathsInSummary ? $"changed: {shown} (+{paths.Count - MaxPathsInSummary} more)" : $"changed: {shown}";
    }

    private static List<string> Differences(JsonNode? wanted, JsonNode? actual, string path)
    {
        if (wanted is JsonObject w)
        {
            if (actual is not JsonObject a)
            {
                return [Display(path)];
            }

            var result = new List<string>();
            foreach (var (key, value) in w)
            {
                // Values never appear in the summary: only paths, so a Secret's data stays out of status.
                result.AddRange(Differences(value, a[key], path.Length == 0 ? key : $"{path}.{key}"));
            }

            return result;
        }

        return JsonNode.DeepEquals(wanted, actual) ? [] : [Display(path)];
    }

    private static string Display(string path) => path.Length == 0 ? "(object)" : path;
}
