using System.Diagnostics.CodeAnalysis;

namespace DBackup.Pipeline.Encryption;

/// <summary>
/// The candidate keys for reading backups: the current profile key plus any previous keys kept after a
/// rotation. Decryption picks the key whose <see cref="EncryptionKey.KeyId"/> the backup header names.
/// </summary>
/// <remarks><see cref="ToString"/> lists key ids only, never key material.</remarks>
public sealed class KeyRing
{
    private readonly List<EncryptionKey> _keys;

    /// <summary>Creates a ring; the first key is the <see cref="Current"/> one. Duplicates are ignored.</summary>
    /// <exception cref="ArgumentNullException">A key is null.</exception>
    public KeyRing(IEnumerable<EncryptionKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [];
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (!_keys.Any(k => k.KeyId == key.KeyId))
            {
                _keys.Add(key);
            }
        }
    }

    /// <summary>Creates a ring; the first key is the <see cref="Current"/> one.</summary>
    public KeyRing(params EncryptionKey[] keys)
        : this((IEnumerable<EncryptionKey>)keys)
    {
    }

    /// <summary>A ring with no keys: reads unencrypted backups only.</summary>
    public static KeyRing Empty { get; } = new();

    /// <summary>The first key, used when something must be encrypted; null for an empty ring.</summary>
    public EncryptionKey? Current => _keys.Count > 0 ? _keys[0] : null;

    /// <summary>The key ids in the ring, current first.</summary>
    public IReadOnlyList<string> KeyIds => _keys.Select(k => k.KeyId).ToList();

    /// <summary>Number of keys.</summary>
    public int Count => _keys.Count;

    /// <summary>Finds the key with a key id.</summary>
    public bool TryGet(string keyId, [NotNullWhen(true)] out EncryptionKey? key)
    {
        key = _keys.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
        return key is not null;
    }

    /// <summary>Returns the key with a key id or throws a message naming the expected and offered ids.</summary>
    /// <exception cref="InvalidBackupException">No key in the ring has that id.</exception>
    public EncryptionKey Get(string keyId) =>
        TryGet(keyId, out var key)
            ? key
            : throw new InvalidBackupException(_keys.Count == 0
                ? $"the backup is encrypted with key {keyId}, but no key was given"
                : $"the backup is encrypted with key {keyId}, but the key(s) given have id {string.Join(", ", KeyIds)}");

    /// <summary>Lists key ids only.</summary>
    public override string ToString() => $"KeyRing({string.Join(", ", KeyIds)})";
}
