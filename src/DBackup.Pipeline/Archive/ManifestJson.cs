using System.Text.Json;

namespace DBackup.Pipeline.Archive;

/// <summary>Streams manifest.json: header fields, one entry per object as it arrives, then the summaries.</summary>
internal sealed class ManifestJson(Stream output) : IAsyncDisposable
{
    private readonly Utf8JsonWriter _json = new(output, new JsonWriterOptions { Indented = false });

    public void WriteHeader(BackupManifest header)
    {
        _json.WriteStartObject();
        _json.WriteNumber("formatVersion", header.FormatVersion);
        _json.WriteString("tool", header.Tool);
        WriteOptional("toolVersion", header.ToolVersion);
        _json.WriteString("policy", header.Policy);
        _json.WriteString("trigger", header.Trigger);
        WriteOptional("cluster", header.Cluster);
        _json.WriteString("createdAt", header.CreatedAt);
        _json.WriteBoolean("includesSecrets", header.IncludesSecrets);
        _json.WriteStartArray("entries");
    }

    public async ValueTask WriteEntryAsync(string path, string sha256, long size, CancellationToken ct)
    {
        _json.WriteStartObject();
        _json.WriteString("path", path);
        _json.WriteString("sha256", sha256);
        _json.WriteNumber("size", size);
        _json.WriteEndObject();
        if (_json.BytesPending > 32 * 1024)
        {
            await _json.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    public async Task WriteEndAsync(DateTimeOffset completedAt, long objects, IReadOnlyDictionary<string, ManifestComponent> components, CancellationToken ct)
    {
        _json.WriteEndArray();
        _json.WriteString("completedAt", completedAt);
        _json.WriteNumber("objects", objects);
        _json.WritePropertyName("components");
        JsonSerializer.Serialize(_json, components, BackupMeta.JsonOptions);
        _json.WriteEndObject();
        await _json.FlushAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _json.DisposeAsync();

    private void WriteOptional(string name, string? value)
    {
        if (value is not null)
        {
            _json.WriteString(name, value);
        }
    }
}
