using DBackup.Operator.Entities;
using k8s;
using k8s.Models;

namespace DBackup.Operator.Demo;

/// <summary>Waits for the operator to report on a resource, as <c>kubectl wait</c> would: by reading its status.</summary>
internal static class DemoWait
{
    /// <summary>How long the demo waits for any one step of the operator.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Reads <paramref name="name"/> until <paramref name="done"/> returns a result, or <paramref name="failed"/> returns
    /// a reason to stop; throws with the last status when neither happens within <see cref="StepTimeout"/>.
    /// </summary>
    public static async Task<TResult> ForAsync<T, TResult>(
        IKubernetes client, string plural, string name, Func<T, TResult?> done, Func<T, string?> failed, Func<T, string> describe, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TResult : class
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        T? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await client.CustomObjects.GetNamespacedCustomObjectAsync<T>(ApiGroup.Group, ApiGroup.Version, DemoWorld.AdminNamespace, plural, name, ct).ConfigureAwait(false);
            if (done(last) is { } result)
            {
                return result;
            }

            if (failed(last) is { } reason)
            {
                throw new InvalidOperationException($"{last.Kind} {DemoWorld.AdminNamespace}/{name}: {reason}");
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"the operator did not finish with {typeof(T).Name} {DemoWorld.AdminNamespace}/{name} within {StepTimeout.TotalSeconds:0} s; {(last is null ? "never read" : describe(last))}");
    }

    /// <summary>The conditions of a status, one per line part, for error messages.</summary>
    public static string Conditions(IEnumerable<V1Condition>? conditions) =>
        conditions is null ? "no conditions yet" : string.Join("; ", conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));
}
