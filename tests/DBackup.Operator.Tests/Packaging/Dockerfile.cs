using DBackup.Operator.Tests.Support;

namespace DBackup.Operator.Tests.Packaging;

/// <summary>One instruction of the repository's Dockerfile, continuation lines joined.</summary>
internal sealed record DockerInstruction(int Stage, string Keyword, string Arguments);

/// <summary>The repository's Dockerfile, read the way docker reads it (enough for our own file: no heredocs, no ARG expansion).</summary>
internal static class Dockerfile
{
    public static string Path => RepoPaths.Of("Dockerfile");

    public static IReadOnlyList<DockerInstruction> Read()
    {
        var result = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in File.ReadAllLines(Path))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            var keyword = full[..space].ToUpperInvariant();
            if (keyword == "FROM")
            {
                stage++;
            }

            result.Add(new DockerInstruction(stage, keyword, full[(space + 1)..].Trim()));
        }

        return result;
    }

    /// <summary>The instructions of one stage.</summary>
    public static IReadOnlyList<DockerInstruction> Stage(int stage) => Read().Where(i => i.Stage == stage).ToList();
}
