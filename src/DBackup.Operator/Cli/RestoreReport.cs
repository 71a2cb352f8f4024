using System.Text.Json.Nodes;
using DBackup.Operator.Restore;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Cli;

/// <summary>How <c>dbackup restore</c> prints a <see cref="RestoreResult"/>: a table or JSON on stdout, problems on stderr, an exit code.</summary>
internal static class RestoreReport
{
    /// <summary>
    /// Writes the plan or results as one JSON document on stdout, also when nothing was restored (then
    /// <c>failureKind</c> says why, one of <see cref="RestoreFailureKinds"/>), and returns 0 only for a full success.
    /// Warnings still go to stderr. Reasons and diffs are the table's: never a Secret value.
    /// </summary>
    public static int PrintJson(CliContext context, RestoreResult result)
    {
        var c = result.Counts;
        var document = new JsonObject
        {
            ["outcome"] = result.Outcome.ToString(),
            ["dryRun"] = result.DryRun,
            ["backup"] = result.BackupName is null ? null : new JsonObject { ["name"] = result.BackupName, ["key"] = result.BackupKey, ["note"] = result.BackupNote },
            ["safetyBackup"] = result.SafetyBackupName is null ? null : new JsonObject { ["name"] = result.SafetyBackupName, ["key"] = result.SafetyBackupKey },
            ["counts"] = new JsonObject { ["created"] = c.Created, ["updated"] = c.Updated, ["unchanged"] = c.Unchanged, ["skipped"] = c.Skipped, ["failed"] = c.Failed },
            ["failureKind"] = result.FailureKind,
            ["failureReason"] = result.FailureReason,
            ["secretsNeedingValues"] = new JsonArray([.. result.SecretsNeedingValues.Select(s => (JsonNode?)s)]),
            ["startTime"] = result.StartTime,
            ["completionTime"] = result.CompletionTime,
            ["items"] = new JsonArray([.. result.Items.Select(i => (JsonNode?)new JsonObject
            {
                ["action"] = i.Action.Word(), ["resource"] = i.Resource, ["namespace"] = i.Namespace, ["name"] = i.Name, ["reason"] = i.Reason,
            })]),
        };
        context.Out.WriteLine(document.ToJsonString(Output.Json));
        Warn(context, result);
        if (result.Outcome == RestoreOutcome.Succeeded)
        {
            return ExitCodes.Ok;
        }

        context.Err.WriteLine(result.Items.Count == 0 && result.FailureReason is { } reason
            ? $"dbackup: {reason}"
            : $"dbackup: {c.Failed} object(s) {(result.DryRun ? "would fail" : "failed")}");
        return ExitCodes.Failure;
    }

    /// <summary>Writes the plan or results and returns 0 only for a full success.</summary>
    /// <exception cref="CliException">Nothing was restored; the message says why.</exception>
    public static int Print(CliContext context, string file, RestoreResult result)
    {
        if (result.FailureReason is { } reason && result.Items.Count == 0)
        {
            throw new CliException($"{file}: {reason}");
        }

        var verb = result.DryRun ? "Dry run of" : "Restored";
        if (result.Items.Count > 0)
        {
            Output.Table(context.Out, ["ACTION", "RESOURCE", "NAMESPACE", "NAME", "REASON"],
                result.Items.Select(i => (IReadOnlyList<string>)[
                    result.DryRun && i.Action is RestoreAction.Create or RestoreAction.Update ? "would " + i.Action.Word() : i.Action.Word(),
                    i.Resource, i.Namespace ?? "-", i.Name, i.Reason ?? string.Empty]));
            context.Out.WriteLine();
        }

        var c = result.Counts;
        context.Out.WriteLine($"{verb} backup {result.BackupName}: {c.Created} created, {c.Updated} updated, {c.Unchanged} unchanged, {c.Skipped} skipped, {c.Failed} failed"
            + (result.DryRun ? " (nothing was changed)" : string.Empty));
        if (result.SafetyBackupName is { } safety)
        {
            context.Out.WriteLine($"Safety backup of the replaced objects: {result.SafetyBackupKey} (restore it to undo the updates)");
        }

        Warn(context, result);
        if (result.Outcome == RestoreOutcome.Succeeded)
        {
            return ExitCodes.Ok;
        }

        context.Err.WriteLine($"dbackup: {c.Failed} object(s) {(result.DryRun ? "would fail" : "failed")}" + (result.FailureReason is { } why ? $": {why}" : "; see the table"));
        return ExitCodes.Failure;
    }

    private static void Warn(CliContext context, RestoreResult result)
    {
        if (result.BackupNote is { } note)
        {
            context.Warn($"{note}; the payload describes itself and was verified completely before anything was written");
        }

        foreach (var secret in result.SecretsNeedingValues)
        {
            context.Warn($"Secret {secret} was {(result.DryRun ? "planned" : "created")} with placeholder values from a redacted backup: set its real values");
        }
    }
}
