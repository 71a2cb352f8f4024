using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace DBackup.DevCluster.Tables;

/// <summary>Turns JSONPath text (without braces) into <see cref="JsonPathStep"/>s.</summary>
internal static class JsonPathParser
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "<", ">"];

    public static IReadOnlyList<JsonPathStep> Parse(string text)
    {
        var steps = new List<JsonPathStep>();
        var i = 0;
        if (i < text.Length && text[i] is '$' or '@')
        {
            i++;
        }

        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                i++;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    steps.Add(new RecursiveStep(ReadName(text, ref i)));
                }
                else if (i < text.Length && text[i] == '*')
                {
                    i++;
                    steps.Add(new WildcardStep());
                }
                else if (i < text.Length && text[i] != '[')
                {
                    steps.Add(new FieldStep(ReadName(text, ref i)));
                }
            }
            else if (text[i] == '[')
            {
                steps.Add(ParseBracket(text, ref i));
            }
            else
            {
                throw new FormatException($"unrecognized character '{text[i]}' at {i} in JSONPath \"{text}\"");
            }
        }

        return steps;
    }

    private static string ReadName(string text, ref int i)
    {
        var sb = new StringBuilder();
        while (i < text.Length && text[i] is not ('.' or '['))
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            sb.Append(text[i++]);
        }

        if (sb.Length == 0)
        {
            throw new FormatException($"empty field name in JSONPath \"{text}\"");
        }

        return sb.ToString();
    }

    private static JsonPathStep ParseBracket(string text, ref int i)
    {
        var close = FindClose(text, i);
        var inner = text[(i + 1)..close].Trim();
        i = close + 1;
        if (inner == "*")
        {
            return new WildcardStep();
        }

        if (inner.Length >= 2 && inner[0] is '\'' or '"' && inner[^1] == inner[0])
        {
            return new FieldStep(inner[1..^1]);
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            return ParseFilter(inner[2..^1].Trim(), text);
        }

        if (inner.Contains(':', StringComparison.Ordinal))
        {
            var parts = inner.Split(':');
            return new SliceStep(ParseOptionalInt(parts[0], text), ParseOptionalInt(parts[1], text));
        }

        return new IndexStep(ParseOptionalInt(inner, text) ?? throw new FormatException($"empty index in JSONPath \"{text}\""));
    }

    private static int FindClose(string text, int open)
    {
        char? quote = null;
        var depth = 0;
        for (var j = open; j < text.Length; j++)
        {
            var c = text[j];
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return j;
            }
        }

        throw new FormatException($"unclosed [ in JSONPath \"{text}\"");
    }

    private static FilterStep ParseFilter(string expression, string text)
    {
        foreach (var op in Operators)
        {
            var at = IndexOutsideQuotes(expression, op);
            if (at > 0)
            {
                var left = expression[..at].Trim();
                var right = expression[(at + op.Length)..].Trim();
                return new FilterStep(Parse(left), op, ParseLiteral(right, text));
            }
        }

        return new FilterStep(Parse(expression), null, null);
    }

    private static int IndexOutsideQuotes(string s, string op)
    {
        char? quote = null;
        for (var j = 0; j + op.Length <= s.Length; j++)
        {
            if (quote is not null)
            {
                quote = s[j] == quote ? null : quote;
            }
            else if (s[j] is '\'' or '"')
            {
                quote = s[j];
            }
            else if (string.CompareOrdinal(s, j, op, 0, op.Length) == 0)
            {
                return j;
            }
        }

        return -1;
    }

    private static JsonNode? ParseLiteral(string literal, string text)
    {
        if (literal.Length >= 2 && literal[0] is '\'' or '"' && literal[^1] == literal[0])
        {
            return JsonValue.Create(literal[1..^1]);
        }

        return literal switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" or "nil" => null,
            _ when double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => JsonNode.Parse(literal),
            _ => throw new FormatException($"unrecognized filter literal {literal} in JSONPath \"{text}\""),
        };
    }

    private static int? ParseOptionalInt(string s, string text)
    {
        s = s.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"invalid array index {s} in JSONPath \"{text}\"");
    }
}
