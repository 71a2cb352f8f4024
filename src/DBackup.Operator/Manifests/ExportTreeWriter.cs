using System.Text;
using System.Text.Json.Nodes;
using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Objects;

namespace DBackup.Operator.Manifests;

/// <summary>
/// Writes backup objects as a clean YAML tree, <c>&lt;namespace or _cluster&gt;/&lt;kind&gt;/&lt;name&gt;.yaml</c>,
/// for a GitOps repository. Objects pass through <see cref="ObjectCleaner"/>; no path can leave the root.
/// </summary>
internal sealed class ExportTreeWriter
{
    private readonly string _root;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<string> _createdFolders = [];

    /// <summary>Prepares a writer for <paramref name="folder"/>.</summary>
    /// <exception cref="ManifestException">The folder exists and is not empty, and <paramref name="force"/> is false.</exception>
    public ExportTreeWriter(string folder, bool force)
    {
        _root = Path.GetFullPath(folder);
        if (File.Exists(_root))
        {
            throw new ManifestException($"{folder} is a file, not a folder");
        }

        if (Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any() && !force)
        {
            throw new ManifestException($"{folder} is not empty; use --force to write into it anyway");
        }
    }

    /// <summary>Files written so far.</summary>
    public int Count => _written.Count;

    /// <summary>Secrets written with their values (not redacted).</summary>
    public int SecretsWithValues { get; private set; }

    /// <summary>The relative path an object is written to.</summary>
    /// <exception cref="ManifestException">A namespace, kind or name is not a safe path segment.</exception>
    public static string RelativePath(ObjectRef objectRef)
    {
        ArgumentNullException.ThrowIfNull(objectRef);
        var scope = objectRef.Namespace ?? ObjectRef.ClusterScopeFolder;
        if (objectRef.Namespace is not null && !ManifestObjects.IsDnsLabel(objectRef.Namespace))
        {
            throw Hostile("namespace", objectRef.Namespace);
        }

        var kind = objectRef.Kind.ToLowerInvariant();
        if (!ManifestObjects.IsSafeName(kind))
        {
            throw Hostile("kind", objectRef.Kind);
        }

        if (!ManifestObjects.IsSafeName(objectRef.Name))
        {
            throw Hostile("name", objectRef.Name);
        }

        return $"{scope}/{kind}/{objectRef.Name}.yaml";
    }

    /// <summary>Cleans and writes one object; returns its relative path.</summary>
    /// <exception cref="ManifestException">The path is unsafe or already taken by another object of this export.</exception>
    public string Write(ObjectRef objectRef, JsonObject obj)
    {
        var relative = RelativePath(objectRef);
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Hostile("path", relative);
        }

        if (!_written.Add(relative))
        {
            throw new ManifestException($"two objects in the backup map to {relative} (same kind and name in different API groups)");
        }

        var clean = ObjectCleaner.Clean(obj);
        var hasValues = SecretRedactor.IsSecret(clean) && !SecretRedactor.IsRedacted(clean);
        RefuseLinks(relative);
        CreateFolders(Path.GetDirectoryName(full)!);

        // Secrets with values get owner-only permissions, like the backup files they came from.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (hasValues && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            SecretsWithValues++;
        }

        using (var stream = new FileStream(full, options))
        {
            if (hasValues && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(Encoding.UTF8.GetBytes(YamlWriter.Write(clean)));
        }

        return relative;
    }

    /// <summary>
    /// Removes the files written so far and the folders this writer created, so a failed export leaves no
    /// tree that looks complete. Files replaced under <c>--force</c> cannot be brought back.
    /// </summary>
    public void Rollback()
    {
        foreach (var relative in _written)
        {
            File.Delete(Path.Combine(_root, relative));
        }

        foreach (var folder in Enumerable.Reverse(_createdFolders))
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        _written.Clear();
        _createdFolders.Clear();
    }

    private void CreateFolders(string folder)
    {
        var missing = new Stack<string>();
        for (var current = folder; !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.Count > 0)
        {
            var next = missing.Pop();
            Directory.CreateDirectory(next);
            _createdFolders.Add(next);
        }
    }

    // With --force the folder may hold links planted earlier; never follow one out of the root.
    private void RefuseLinks(string relative)
    {
        var path = _root;
        foreach (var segment in relative.Split('/'))
        {
            path = Path.Combine(path, segment);
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw Hostile("path", relative);
            }
        }
    }

    private static ManifestException Hostile(string what, string value) =>
        new($"refusing to export an object whose {what} '{ManifestObjects.Printable(value)}' is not a safe file name");
}
