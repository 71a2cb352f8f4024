using k8s.LeaderElection;

namespace DBackup.Operator.Tests.Support;

/// <summary>
/// One lease record shared by several <see cref="InMemoryLock"/>s (one per contender), with compare-and-swap
/// updates like the API server's resourceVersion check.
/// </summary>
internal sealed class InMemoryLease
{
    private readonly object _gate = new();
    private LeaderElectionRecord? _record;
    private int _version;

    public string? Holder
    {
        get
        {
            lock (_gate)
            {
                return _record?.HolderIdentity;
            }
        }
    }

    public (LeaderElectionRecord? Record, int Version) Read()
    {
        lock (_gate)
        {
            return (Copy(_record), _version);
        }
    }

    public bool TryWrite(LeaderElectionRecord record, int expectedVersion)
    {
        lock (_gate)
        {
            if (_version != expectedVersion)
            {
                return false;
            }

            _record = Copy(record);
            _version++;
            return true;
        }
    }

    private static LeaderElectionRecord? Copy(LeaderElectionRecord? r) => r is null ? null : new LeaderElectionRecord
    {
        HolderIdentity = r.HolderIdentity,
        LeaseDurationSeconds = r.LeaseDurationSeconds,
        AcquireTime = r.AcquireTime,
        RenewTime = r.RenewTime,
        LeaderTransitions = r.LeaderTransitions,
    };
}

/// <summary>An in-memory <see cref="ILock"/> (like the csharp client's MockResourceLock), with switchable failures.</summary>
internal sealed class InMemoryLock(InMemoryLease lease, string identity) : ILock
{
    private int _readVersion;
    private bool _fail;

    public string Identity { get; } = identity;

    /// <summary>When true, every update and create fails, as if the API server were unreachable.</summary>
    public bool Fail { get => Volatile.Read(ref _fail); set => Volatile.Write(ref _fail, value); }

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        var (record, version) = lease.Read();
        _readVersion = version;
        if (record is null)
        {
            throw new k8s.Autorest.HttpOperationException("not found")
            {
                Response = new k8s.Autorest.HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), string.Empty),
            };
        }

        return Task.FromResult(record);
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(!Fail && lease.TryWrite(record, 0));

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(!Fail && lease.TryWrite(record, _readVersion));

    public string Describe() => $"in-memory lease ({Identity})";
}
