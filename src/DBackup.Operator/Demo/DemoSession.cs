namespace DBackup.Operator.Demo;

/// <summary>What keeps running after the story: the dev cluster and the in-process operator. Disposing stops both, operator first.</summary>
/// <param name="cluster">The dev cluster.</param>
/// <param name="operator">The operator, or null when the story failed before starting it.</param>
internal sealed class DemoSession(DevCluster.DevCluster cluster, DemoOperator? @operator) : IAsyncDisposable
{
    /// <summary>The dev cluster, for kubectl (its kubeconfig) and for tests (its client).</summary>
    public DevCluster.DevCluster Cluster { get; } = cluster;

    /// <summary>The operator running against <see cref="Cluster"/>.</summary>
    public DemoOperator? Operator { get; } = @operator;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Operator is not null)
            {
                await Operator.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await Cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}
