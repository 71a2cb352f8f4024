using System.CommandLine;
using System.Text;
using DBackup.Operator.Manifests;
using DBackup.Pipeline.Encryption;

namespace DBackup.Operator.Cli;

/// <summary>
/// <c>dbackup keygen --out F</c>: a new 256-bit key in a 0600 file, plus what to apply and what to keep.
/// </summary>
/// <remarks>
/// Stdout is a YAML stream that can be piped to <c>kubectl apply -f -</c>: the EncryptionProfileRef as a
/// document, everything else as comments. The Secret is shown as a comment and created from the key file
/// with <c>kubectl create secret</c>, so the key never lands in a terminal, a shell history or a CI log.
/// <c>--print-secret</c> emits the Secret with the key inline, for users who encrypt manifests (SOPS, sealed-secrets).
/// </remarks>
internal static class KeygenCommand
{
    private const string SecretKeyName = "key";

    public static Command Create(CliContext context)
    {
        var outOption = new Option<string>("--out") { Description = "Where to write the key file (mode 0600)", Required = true, HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key file (backups encrypted with it become unreadable)" };
        var name = new Option<string>("--name") { Description = "Name of the Secret and EncryptionProfileRef", DefaultValueFactory = _ => "dbackup-key" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace of the Secret and EncryptionProfileRef" };
        var printSecret = new Option<bool>("--print-secret") { Description = "Also print the Secret with the key inline (only for encrypted GitOps workflows)" };
        var command = new Command("keygen", "Create a new encryption key and print the manifests and recovery kit for it")
        {
            outOption, force, name, ns, printSecret,
        };

        CliRunner.SetRun(command, context, (parse, ct) =>
        {
            var file = parse.GetRequiredValue(outOption);
            var resourceName = parse.GetValue(name) ?? "dbackup-key";
            var namespaceName = parse.GetValue(ns);
            if (!ManifestObjects.IsDnsLabel(resourceName))
            {
                throw CliException.Usage($"--name '{resourceName}' is not a valid name (lowercase letters, digits and '-')");
            }

            if (namespaceName is not null && !ManifestObjects.IsDnsLabel(namespaceName))
            {
                throw CliException.Usage($"--namespace '{namespaceName}' is not a valid namespace name");
            }

            var key = EncryptionKey.Generate();
            WriteKeyFile(file, key.ToFileText(), parse.GetValue(force));
            context.Out.Write(Describe(key, Path.GetFullPath(file), file, resourceName, namespaceName, parse.GetValue(printSecret)));
            if (parse.GetValue(printSecret))
            {
                context.Warn("the Secret printed on stdout contains the key; do not commit or log it unencrypted");
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>Writes the key file with owner-only permissions, atomically, refusing to replace one unless forced.</summary>
    internal static void WriteKeyFile(string file, string text, bool force)
    {
        var full = Path.GetFullPath(file);
        if (Directory.Exists(full))
        {
            throw new CliException($"{file} is a folder; give a file name for the key");
        }

        if (File.Exists(full) && !force)
        {
            throw new CliException($"{file} already exists; refusing to overwrite a key (use --force if you are sure no backup needs it)");
        }

        try
        {
            PrivateFile.WriteText(full, force, text);
        }
        catch (IOException) when (File.Exists(full) && !force)
        {
            throw new CliException($"{file} already exists; refusing to overwrite a key");
        }
    }

    private static string Describe(EncryptionKey key, string fullPath, string file, string name, string? ns, bool printSecret)
    {
        var nsFlag = ns is null ? string.Empty : $" --namespace {ns}";
        var nsLine = ns is null ? string.Empty : $"\n  namespace: {ns}";
        var secret = $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: {name}{nsLine}
              labels:
                app.kubernetes.io/managed-by: dbackup
              annotations:
                dbackup.io/key-id: "{key.KeyId}"
            type: Opaque
            """;
        var text = new StringBuilder();
        text.Append($"""
            # dbackup keygen: new key {key.KeyId} written to {fullPath} (mode 0600).
            #
            # 1. Create the Secret from the key file, so the key never passes through a terminal or shell history:
            #      kubectl create secret generic {name}{nsFlag} --from-file={SecretKeyName}={file}
            #    It is this Secret, with stringData.{SecretKeyName} holding the file's text:
            {string.Join('\n', secret.Split('\n').Select(l => "#      " + l))}
            # 2. Apply the EncryptionProfileRef below (this output can be piped to 'kubectl apply -f -').
            #
            """);
        text.Append('\n');
        if (printSecret)
        {
            text.Append("---\n").Append(secret).Append('\n')
                .Append($"stringData:\n  {SecretKeyName}: |\n")
                .Append(string.Concat(key.ToFileText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"    {l}\n")));
        }

        text.Append($"""
            ---
            apiVersion: dbackup.io/v1alpha1
            kind: EncryptionProfileRef
            metadata:
              name: {name}{nsLine}
            spec:
              secretRef:
                name: {name}
                key: {SecretKeyName}

            """);
        text.Append(RecoveryKit(key, fullPath, name, ns));
        return text.ToString();
    }

    private static string RecoveryKit(EncryptionKey key, string fullPath, string name, string? ns)
    {
        var nsFlag = ns is null ? string.Empty : $" -n {ns}";
        return $"""
            # ---------------------------------------------------------------- recovery kit
            # Key id:     {key.KeyId}
            # Created:    {Output.Time(DateTimeOffset.UtcNow)}
            # Key file:   {fullPath}
            # In cluster: Secret {name} (key "{SecretKeyName}") and EncryptionProfileRef {name}{(ns is null ? string.Empty : $" in namespace {ns}")}
            #
            # Store a copy of the key file OUTSIDE the cluster and apart from the backups: a password
            # manager, a vault, or offline media. Backups encrypted with this key cannot be read
            # without it, by anyone, ever. Do not store it in the same bucket or repository as the backups.
            #
            # To restore on a fresh cluster:
            #   1. kubectl create secret generic {name}{nsFlag} --from-file={SecretKeyName}=<key file>
            #   2. apply the EncryptionProfileRef above, then a MetaBackupRestore that names it
            # Without a cluster: dbackup verify <backup> --key-file <key file>
            #                    dbackup export <backup> --key-file <key file> --out <folder>
            # After rotating to a new key, list this one in spec.previousKeys, or re-encrypt old backups:
            #   dbackup rekey <destination> --key-file <this key> --new-key-file <new key>

            """;
    }
}
