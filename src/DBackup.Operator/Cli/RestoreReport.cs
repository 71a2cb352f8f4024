using DBackup.Operator.Restore;
using DBackup.Pipeline.Restore;

namespace DBackup.Operator.Cli;

/// <summary>How <c>dbackup restore</c> prints a <see cref="RestoreResult"/>: a table on stdout, problems on stderr, an exit code.</summary>
internal static class RestoreReport
{
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

        if (result.BackupNote is { } note)
        {
            context.Warn($"{note}; the payload describes itself and was verified completely before anything was written");
        }

        foreach (var secret in result.SecretsNeedingValues)
        {
            context.Warn($"Secret {secret} was {(result.DryRun ? "planned" : "created")} with placeholder values from a redacted backup: set its real values");
        }

        if (result.Outcome == RestoreOutcome.Succeeded)
        {
            return ExitCodes.Ok;
        }

        context.Err.WriteLine($"dbackup: {c.Failed} object(s) {(result.DryRun ? "would fail" : "failed")}" + (result.FailureReason is { } why ? $": {why}" : "; see the table"));
        return ExitCodes.Failure;
    }
}
