namespace DBackup.Pipeline.Storage;

/// <summary>
/// Lists the backups in a destination from their <c>.meta.json</c> sidecars, without downloading payloads.
/// </summary>
/// <remarks>
/// A payload without meta.json is an upload that never finished and is not listed. A meta.json whose payload
/// is missing, or that cannot be parsed, is listed with <see cref="BackupInfo.State"/> saying so, so that one
/// bad file neither hides the others nor passes for a restorable backup.
/// </remarks>
public static class BackupCatalog
{
    /// <summary>Word that <see cref="FindAsync"/> resolves to the newest restorable backup.</summary>
    public const string Latest = "latest";

    /// <summary>Largest meta.json read; anything bigger is reported as invalid rather than loaded.</summary>
    internal const int MaxMetaBytes = 1024 * 1024;

    private static readonly ReadLimits MetaLimits = ReadLimits.Default with { MaxMetaBytes = MaxMetaBytes };

    /// <summary>Lists backups, newest first.</summary>
    /// <param name="destination">Where to look.</param>
    /// <param name="policy">Only this policy's folder, or null for the whole destination.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is not a valid policy name.</exception>
    public static async Task<IReadOnlyList<BackupInfo>> ListAsync(IBackupDestination destination, string? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var prefix = string.Empty;
        if (policy is not null)
        {
            BackupName.ValidatePolicy(policy);
            prefix = policy + "/";
        }

        var objects = await ListObjectsAsync(destination, prefix, cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(destination, objects, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every stored object under <paramref name="prefix"/>, by key (the listing <see cref="DescribeAsync(IBackupDestination, IReadOnlyDictionary{string, StoredObject}, CancellationToken)"/> takes).</summary>
    internal static async Task<Dictionary<string, StoredObject>> ListObjectsAsync(IBackupDestination destination, string prefix, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        await foreach (var item in destination.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            objects[item.Key] = item;
        }

        return objects;
    }

    /// <summary>Describes every meta.json among <paramref name="objects"/> (an earlier listing), newest first.</summary>
    internal static async Task<IReadOnlyList<BackupInfo>> DescribeAsync(IBackupDestination destination,
        IReadOnlyDictionary<string, StoredObject> objects, CancellationToken cancellationToken)
    {
        var backups = new List<BackupInfo>();
        foreach (var metaObject in objects.Values.Where(o => o.Key.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal)))
        {
            backups.Add(await DescribeAsync(destination, metaObject, objects, cancellationToken).ConfigureAwait(false));
        }

        return [.. backups
            .OrderByDescending(b => b.CreatedAt)
            .ThenByDescending(b => b.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Finds one backup by name (with or without the payload extensions), or the newest restorable one for
    /// <see cref="Latest"/>. The result may be unrestorable when asked for by name; check <see cref="BackupInfo.IsRestorable"/>.
    /// </summary>
    /// <exception cref="BackupNotFoundException">No backup has that name, or none is restorable for <c>latest</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="policy"/> is not a valid policy name.</exception>
    public static async Task<BackupInfo> FindAsync(IBackupDestination destination, string? policy, string nameOrLatest, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrLatest);
        var backups = await ListAsync(destination, policy, cancellationToken).ConfigureAwait(false);
        var scope = policy is null ? destination.Location : $"{destination.Location} (policy {policy})";
        if (string.Equals(nameOrLatest, Latest, StringComparison.OrdinalIgnoreCase))
        {
            return backups.FirstOrDefault(b => b.IsRestorable)
                ?? throw new BackupNotFoundException($"No restorable backup in {scope}.");
        }

        var matches = backups.Where(b => b.Name == nameOrLatest || FileName(b.PayloadKey) == nameOrLatest || b.PayloadKey == nameOrLatest).ToList();
        return matches.FirstOrDefault(b => b.IsRestorable)
            ?? matches.FirstOrDefault()
            ?? throw new BackupNotFoundException($"No backup named '{nameOrLatest}' in {scope}.");
    }

    /// <summary>
    /// A payload stored under exactly <paramref name="payloadKey"/> whose meta.json is missing, described from its key
    /// alone (<see cref="BackupState.MetaMissing"/>; <see cref="BackupInfo.Problem"/> says so); null when no such payload exists.
    /// For callers that restore a file named explicitly; <see cref="FindAsync"/> never returns such a backup.
    /// </summary>
    public static async Task<BackupInfo?> FindPayloadAloneAsync(IBackupDestination destination, string payloadKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (payloadKey.EndsWith(BackupName.MetaSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        await foreach (var item in destination.ListAsync(payloadKey, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key == payloadKey)
            {
                var metaKey = payloadKey + BackupName.MetaSuffix;
                return Fallback(metaKey, item.LastModified, payloadKey, item) with
                {
                    State = BackupState.MetaMissing, Problem = $"{metaKey} is missing: read from the payload alone",
                };
            }
        }

        return null;
    }

    private static async Task<BackupInfo> DescribeAsync(IBackupDestination destination, StoredObject metaObject,
        IReadOnlyDictionary<string, StoredObject> objects, CancellationToken cancellationToken)
    {
        var payloadKey = BackupName.PayloadKeyOf(metaObject.Key);
        objects.TryGetValue(payloadKey, out var payload);
        var fallback = Fallback(metaObject.Key, metaObject.LastModified, payloadKey, payload);
        BackupMeta meta;
        try
        {
            meta = await ReadMetaAsync(destination, metaObject, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidBackupException or BackupNotFoundException or IOException)
        {
            return fallback with { State = BackupState.Invalid, Problem = $"{metaObject.Key} cannot be read: {ex.Message}" };
        }

        var info = fallback with { Name = meta.Name, Policy = meta.Policy, CreatedAt = meta.CreatedAt, Meta = meta };
        if (meta.PayloadKey != payloadKey)
        {
            return info with { State = BackupState.Invalid, Problem = $"{metaObject.Key} names payload '{meta.PayloadKey}', not the file next to it." };
        }

        if (payload is null)
        {
            return info with { State = BackupState.PayloadMissing, Problem = $"The payload {payloadKey} of backup {meta.Name} is missing." };
        }

        if (meta.Sizes.PayloadBytes > 0 && meta.Sizes.PayloadBytes != payload.Size)
        {
            return info with { State = BackupState.Invalid, Problem = $"The payload {payloadKey} has {payload.Size} bytes; meta.json records {meta.Sizes.PayloadBytes}." };
        }

        return info;
    }

    /// <summary>What the keys alone tell (policy, name, time); <paramref name="modified"/> stands in for the time of keys that are not ours.</summary>
    private static BackupInfo Fallback(string metaKey, DateTimeOffset modified, string payloadKey, StoredObject? payload)
    {
        var parsed = BackupName.TryParseKey(metaKey, out var policy, out var name, out var createdAt);
        var folder = payloadKey.Contains('/', StringComparison.Ordinal) ? payloadKey[..payloadKey.LastIndexOf('/')] : string.Empty;
        return new BackupInfo
        {
            Name = parsed ? name! : StripExtensions(FileName(payloadKey)),
            Policy = parsed ? policy! : folder,
            CreatedAt = parsed ? createdAt : modified,
            MetaKey = metaKey,
            PayloadKey = payloadKey,
            PayloadSize = payload?.Size,
            State = BackupState.Complete,
        };
    }

    // The meta.json reader every caller shares, with the catalog's tighter size cap; a meta.json that vanished
    // after the listing is reported like an unreadable one.
    private static async Task<BackupMeta> ReadMetaAsync(IBackupDestination destination, StoredObject metaObject, CancellationToken cancellationToken) =>
        await BackupReader.TryLoadMetaAsync(destination, metaObject.Key, MetaLimits, cancellationToken).ConfigureAwait(false)
            ?? throw new BackupNotFoundException($"{metaObject.Key} no longer exists");

    private static string FileName(string key) => key[(key.LastIndexOf('/') + 1)..];

    private static string StripExtensions(string fileName)
    {
        var dot = fileName.IndexOf(".tar", StringComparison.Ordinal);
        return dot > 0 ? fileName[..dot] : fileName;
    }
}
