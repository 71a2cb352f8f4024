using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DBackup.Operator.Manifests;

/// <summary>One Kubernetes object read from a manifest file.</summary>
/// <param name="File">The file it came from, relative to the loaded folder, '/'-separated.</param>
/// <param name="Line">1-based line where its document (or list) starts.</param>
/// <param name="Object">The object as JSON.</param>
internal sealed record ManifestDocument(string File, int Line, JsonObject Object)
{
    /// <summary><c>file:line</c> for messages.</summary>
    public string Location => $"{File}:{Line}";
}

/// <summary>A manifest that cannot be read; the message names the file and line.</summary>
internal sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads Kubernetes manifests: multi-document YAML and JSON files, with <c>kind: List</c> and
/// <c>*List</c> objects expanded and empty documents skipped.
/// </summary>
internal static partial class ManifestLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>
    /// Loads every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file under a folder, recursively, in
    /// ordinal order of their relative paths. Files and folders whose name starts with '.' (such as
    /// <c>.git</c> or <c>.github</c>) are skipped; symbolic links to folders are not followed.
    /// </summary>
    /// <param name="folder">The folder to read.</param>
    /// <param name="exclude">Folders to leave out, such as a backup destination inside <paramref name="folder"/>.</param>
    /// <exception cref="ManifestException">A file is not valid YAML/JSON or holds something that is not an object.</exception>
    public static IReadOnlyList<ManifestDocument> LoadFolder(string folder, IReadOnlyCollection<string>? exclude = null)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
        {
            throw new ManifestException($"{folder}: no such folder");
        }

        var files = new List<string>();
        var skip = new HashSet<string>((exclude ?? []).Select(e => Path.TrimEndingDirectorySeparator(Path.GetFullPath(e))), StringComparer.Ordinal);
        Collect(root, files, skip);
        files.Sort(StringComparer.Ordinal);

        var documents = new List<ManifestDocument>();
        foreach (var relative in files)
        {
            var text = File.ReadAllText(Path.Combine(root, relative));
            documents.AddRange(LoadText(relative, text));
        }

        return documents;
    }

    /// <summary>Parses the text of one file; JSON when the name ends in <c>.json</c>, else YAML.</summary>
    /// <exception cref="ManifestException">The text is malformed or holds something that is not an object.</exception>
    public static IReadOnlyList<ManifestDocument> LoadText(string fileName, string text)
    {
        var result = new List<ManifestDocument>();
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            }
            catch (JsonException ex)
            {
                throw new ManifestException($"{fileName}:{(ex.LineNumber ?? 0) + 1}: invalid JSON: {FirstSentence(ex.Message)}", ex);
            }

            AddDocument(result, fileName, 1, node);
            return result;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
            foreach (var document in stream.Documents)
            {
                AddDocument(result, fileName, (int)document.RootNode.Start.Line, YamlJson.ToJson(document.RootNode));
            }
        }
        catch (YamlException ex)
        {
            throw new ManifestException($"{fileName}:{ex.Start.Line}: invalid YAML: {StripMark(ex.Message)}", ex);
        }

        return result;
    }

    private static void AddDocument(List<ManifestDocument> result, string file, int line, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return;
            case JsonObject { Count: 0 }:
                return;
            case JsonObject obj:
                Expand(result, file, line, obj, depth: 0);
                return;
            default:
                throw new ManifestException($"{file}:{line}: the document is a {node.GetValueKind().ToString().ToLowerInvariant()}, not a Kubernetes object");
        }
    }

    private static void Expand(List<ManifestDocument> result, string file, int line, JsonObject obj, int depth)
    {
        var kind = obj["kind"] is JsonValue k && k.TryGetValue<string>(out var s) ? s : null;
        if (kind is null || !kind.EndsWith("List", StringComparison.Ordinal) || obj["items"] is not JsonArray items || depth > 8)
        {
            result.Add(new ManifestDocument(file, line, obj));
            return;
        }

        // Typed lists (ConfigMapList) may omit apiVersion/kind on items: those come from the list.
        var itemKind = kind == "List" ? null : kind[..^"List".Length];
        var apiVersion = obj["apiVersion"]?.DeepClone();
        foreach (var item in items)
        {
            if (item is not JsonObject itemObj)
            {
                throw new ManifestException($"{file}:{line}: an item of {kind} is not an object");
            }

            var copy = (JsonObject)itemObj.DeepClone();
            if (itemKind is not null && !copy.ContainsKey("kind"))
            {
                copy["kind"] = itemKind;
            }

            if (itemKind is not null && !copy.ContainsKey("apiVersion") && apiVersion is not null)
            {
                copy["apiVersion"] = apiVersion.DeepClone();
            }

            Expand(result, file, line, copy, depth + 1);
        }
    }

    private static void Collect(string root, List<string> files, HashSet<string> skip)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue;
                }

                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is null && !skip.Contains(sub.FullName))
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else if (Extensions.Any(e => entry.Name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                {
                    files.Add(Path.GetRelativePath(root, entry.FullName).Replace('\\', '/'));
                }
            }
        }
    }

    private static string StripMark(string message) => MarkPrefix().Replace(message, string.Empty);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();
}
