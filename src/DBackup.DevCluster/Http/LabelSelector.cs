namespace DBackup.DevCluster.Http;

/// <summary>
/// A parsed labelSelector query (=, ==, !=, in, notin, exists, !exists), matched against an object's labels.
/// Parse errors answer 400 with the apiserver's wording.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    public static readonly LabelSelector Everything = new();

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.TrueForAll(r => r(labels));

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0) throw Bad(text);
            selector._requirements.Add(ParseTerm(term, text));
        }
        return selector;
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term, string all)
    {
        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            CheckKey(key, all);
            return l => !l.ContainsKey(key);
        }
        var setMatch = System.Text.RegularExpressions.Regex.Match(term, @"^(\S+)\s+(in|notin)\s*\((.*)\)$");
        if (setMatch.Success)
        {
            var key = setMatch.Groups[1].Value;
            CheckKey(key, all);
            var values = setMatch.Groups[3].Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
            if (setMatch.Groups[2].Value == "in")
            {
                if (values.Count == 0) throw Bad(all, "for 'in', 'notin' operators, values set can't be empty");
                return l => l.TryGetValue(key, out var v) && values.Contains(v);
            }
            return l => !l.TryGetValue(key, out var v) || !values.Contains(v);
        }
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var i = term.IndexOf(op, StringComparison.Ordinal);
            if (i < 0) continue;
            var key = term[..i].Trim();
            var value = term[(i + op.Length)..].Trim();
            CheckKey(key, all);
            return op == "!=" ? l => !l.TryGetValue(key, out var v) || v != value : l => l.TryGetValue(key, out var v) && v == value;
        }
        CheckKey(term, all);
        return l => l.ContainsKey(term);
    }

    private static void CheckKey(string key, string all)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '=' or '!'))
            throw Bad(all);
    }

    // Commas separate requirements except inside "in (a,b)".
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static ApiException Bad(string text, string? why = null) =>
        ApiErrors.BadRequest($"unable to parse requirement: {why ?? $"found '{text}', expected: valid label selector"}");
}
