using System.Text;
using System.Text.Json;

namespace DBackup.Pipeline.Archive;

/// <summary>Reads the identity of an object from its JSON and checks it against an archive path or ref.</summary>
internal static class ObjectJson
{
    /// <summary>Scans the whole document (so malformed JSON fails) and returns its identity fields.</summary>
    /// <exception cref="InvalidBackupException">Not one JSON object, or apiVersion/kind/metadata.name missing.</exception>
    public static (string ApiVersion, string Kind, string Name, string? Namespace) ReadIdentity(ReadOnlySpan<byte> json, string what)
    {
        string? apiVersion = null, kind = null, name = null, ns = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 128 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidBackupException($"{what} is not a JSON object");
            }

            var inMetadata = false;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    if (reader.TokenType == JsonTokenType.EndObject && inMetadata && reader.CurrentDepth == 1)
                    {
                        inMetadata = false;
                    }

                    continue;
                }

                var depth = reader.CurrentDepth;
                if (depth == 1 && reader.ValueTextEquals("apiVersion"u8))
                {
                    apiVersion = ReadString(ref reader);
                }
                else if (depth == 1 && reader.ValueTextEquals("kind"u8))
                {
                    kind = ReadString(ref reader);
                }
                else if (depth == 1 && reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    inMetadata = reader.TokenType == JsonTokenType.StartObject;
                }
                else if (depth == 2 && inMetadata && reader.ValueTextEquals("name"u8))
                {
                    name = ReadString(ref reader);
                }
                else if (depth == 2 && inMetadata && reader.ValueTextEquals("namespace"u8))
                {
                    ns = ReadString(ref reader);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidBackupException($"{what} is not valid JSON: {ex.Message}", ex);
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

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
