using System.Text;
using System.Text.Json;

namespace DBackup.Pipeline.Archive;

/// <summary>Reads the identity of an object from its JSON and checks it against an archive path or ref.</summary>
internal static class ObjectJson
{
    /// <summary>
    /// Scans the whole document once, so JSON that is malformed or not strict (see <see cref="StrictJson"/>) fails,
    /// and returns its identity fields.
    /// </summary>
    /// <exception cref="InvalidBackupException">Not one strict JSON object, or apiVersion/kind/metadata.name missing.</exception>
    public static (string ApiVersion, string Kind, string Name, string? Namespace) ReadIdentity(ReadOnlySpan<byte> json, string what)
    {
        StrictJson.CheckUtf8(json, what);
        string? apiVersion = null, kind = null, name = null, ns = null;
        var reader = new Utf8JsonReader(json, StrictJson.ReaderOptions);
        var names = JsonPropertyNames.ForThisThread();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidBackupException($"{what} is not a JSON object");
            }

            names.Enter();
            var inMetadata = false;
            var field = Field.None;
            while (reader.Read())
            {
                var value = field;
                field = Field.None;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Enter();
                        inMetadata |= value == Field.Metadata;
                        break;
                    case JsonTokenType.EndObject:
                        inMetadata &= reader.CurrentDepth != 1;
                        if (names.Exit() is { } repeated)
                        {
                            throw Duplicate(what, repeated);
                        }

                        break;
                    case JsonTokenType.String:
                        StrictJson.CheckEscapedString(ref reader, what);
                        switch (value)
                        {
                            case Field.ApiVersion: apiVersion = reader.GetString(); break;
                            case Field.Kind: kind = reader.GetString(); break;
                            case Field.Name: name = reader.GetString(); break;
                            case Field.Namespace: ns = reader.GetString(); break;
                        }

                        break;
                    case JsonTokenType.PropertyName:
                        if (names.Add(ref reader) is { } duplicate)
                        {
                            throw Duplicate(what, duplicate);
                        }

                        field = FieldOf(ref reader, inMetadata);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidBackupException($"{what} is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Unescaping a property name with a lone surrogate.
            throw new InvalidBackupException($"{what} has a property name that is not valid Unicode ({ex.Message.TrimEnd('.')})", ex);
        }

        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name))
        {
            throw new InvalidBackupException($"{what} lacks apiVersion, kind or metadata.name");
        }

        return (apiVersion, kind, name, string.IsNullOrEmpty(ns) ? null : ns);
    }

    /// <summary>Rebuilds the <see cref="ObjectRef"/> of an entry from its checked path parts and JSON body.</summary>
    /// <exception cref="InvalidBackupException">The JSON disagrees with the path.</exception>
    public static ObjectRef ToObjectRef(string[] parts, ReadOnlySpan<byte> json, string path)
    {
        var what = $"archive entry '{ArchivePaths.Printable(path)}'";
        var (apiVersion, kind, name, ns) = ReadIdentity(json, what);
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        var pathGroup = parts[1] == ObjectRef.CoreGroupFolder ? string.Empty : parts[1];
        var pathNamespace = parts[3] == ObjectRef.ClusterScopeFolder ? null : parts[3];
        var pathName = parts[4][..^".json".Length];
        if (group != pathGroup || version.Length == 0 || version.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidBackupException($"{what} has apiVersion '{apiVersion}', which does not match its path");
        }

        if (name != pathName || ns != pathNamespace)
        {
            throw new InvalidBackupException($"{what} names object '{(ns is null ? name : ns + "/" + name)}', which does not match its path");
        }

        return new ObjectRef(parts[0], group, version, parts[2], kind, ns, name);
    }

    /// <summary>Checks, before writing, that an object's JSON agrees with its ref (so the reader will accept it).</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or disagrees with the ref.</exception>
    public static void CheckForWriting(BackupObject obj)
    {
        try
        {
            var (apiVersion, kind, name, ns) = ReadIdentity(obj.Json.Span, $"object {obj.Ref}");
            if (apiVersion != obj.Ref.ApiVersion || kind != obj.Ref.Kind || name != obj.Ref.Name || ns != obj.Ref.Namespace)
            {
                throw new ArgumentException(
                    $"Object {obj.Ref}: its JSON says {apiVersion} {kind} {(ns is null ? name : ns + "/" + name)}, which does not match its ref.", nameof(obj));
            }
        }
        catch (InvalidBackupException ex)
        {
            throw new ArgumentException($"Object {obj.Ref} cannot be stored: {ex.Message}.", nameof(obj), ex);
        }
    }

    private static Field FieldOf(ref Utf8JsonReader reader, bool inMetadata) => reader.CurrentDepth switch
    {
        1 when reader.ValueTextEquals("apiVersion"u8) => Field.ApiVersion,
        1 when reader.ValueTextEquals("kind"u8) => Field.Kind,
        1 when reader.ValueTextEquals("metadata"u8) => Field.Metadata,
        2 when inMetadata && reader.ValueTextEquals("name"u8) => Field.Name,
        2 when inMetadata && reader.ValueTextEquals("namespace"u8) => Field.Namespace,
        _ => Field.None,
    };

    private static InvalidBackupException Duplicate(string what, string name) =>
        new($"{what} has the property '{ArchivePaths.Printable(name)}' twice in one object");

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private enum Field
    {
        None,
        ApiVersion,
        Kind,
        Metadata,
        Name,
        Namespace,
    }
}
