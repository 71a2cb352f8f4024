using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DBackup.Operator.Runtime;

/// <summary>
/// Runs every registered <see cref="IControllerLoop"/> only while this process holds the lease
/// (KubernetesClient's <see cref="LeaderElector"/> on a <see cref="LeaseLock"/>). When leadership is lost the
/// loops are cancelled and the application is stopped: a fresh pod is safer than a half-stopped one. With
/// leader election disabled the loops simply run.
/// </summary>
public sealed class LeaderElectionService : BackgroundService
{
    private readonly IReadOnlyList<IControllerLoop> _controllers;
    private readonly LeaderElectionOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<LeaderElectionService> _logger;
    private readonly Func<ILock> _lock;
    private int _leading;

    /// <summary>Creates the service with a <see cref="LeaseLock"/> from <paramref name="options"/>.</summary>
    /// <param name="client">Client for the lease.</param>
    /// <param name="controllers">The loops to run while leading.</param>
    /// <param name="options">Lease name, namespace, identity and timings.</param>
    /// <param name="lifetime">Stopped when leadership is lost.</param>
    /// <param name="logger">Logs leadership changes.</param>
    public LeaderElectionService(IKubernetes client, IEnumerable<IControllerLoop> controllers, LeaderElectionOptions options, IHostApplicationLifetime lifetime, ILogger<LeaderElectionService> logger)
        : this(() => new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity), controllers, options, lifetime, logger)
    {
    }

    /// <summary>Creates the service on any lock (tests use an in-memory one).</summary>
    internal LeaderElectionService(Func<ILock> createLock, IEnumerable<IControllerLoop> controllers, LeaderElectionOptions options, IHostApplicationLifetime lifetime, ILogger<LeaderElectionService> logger)
    {
        _lock = createLock;
        _controllers = controllers.ToList();
        _options = options;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>True while this instance leads and runs its controllers.</summary>
    public bool IsLeading => Volatile.Read(ref _leading) == 1;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _logger.LogInformation("Leader election disabled; running {Count} controllers", _controllers.Count);
            await RunControllersAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        using var elector = new LeaderElector(new LeaderElectionConfig(_lock())
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        });
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task? running = null;
        elector.OnStartedLeading += () =>
        {
            _logger.LogInformation("{Identity} became leader on lease {Namespace}/{Lease}", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
            running = RunControllersAsync(leading.Token);
        };
        elector.OnStoppedLeading += () => _logger.LogWarning("{Identity} is no longer leader on lease {Namespace}/{Lease}", _options.Identity, _options.LeaseNamespace, _options.LeaseName);
        elector.OnNewLeader += leader => _logger.LogInformation("Lease {Namespace}/{Lease} is held by {Leader}", _options.LeaseNamespace, _options.LeaseName, leader);
        elector.OnError += e => _logger.LogWarning(e, "Leader election on lease {Namespace}/{Lease} failed; retrying", _options.LeaseNamespace, _options.LeaseName);

        try
        {
            // The elector's loop blocks on synchronous work in places; Task.Run keeps host startup from waiting on it
            // (dotnet/runtime#36063, the same reason KubeOps gives).
            await Task.Run(() => elector.RunUntilLeadershipLostAsync(stoppingToken), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown while waiting for or holding the lease.
        }
        finally
        {
            await leading.CancelAsync().ConfigureAwait(false);
            if (running is not null)
            {
                await running.ConfigureAwait(false);
            }
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            _logger.LogWarning("Leadership lost; stopping the application so that a fresh instance can compete again");
            _lifetime.StopApplication();
        }
    }

    private async Task RunControllersAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _leading, 1);
        try
        {
            await Task.WhenAll(_controllers.Select(c => Task.Run(() => RunOneAsync(c, cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _leading, 0);
        }
    }

    private async Task RunOneAsync(IControllerLoop controller, CancellationToken cancellationToken)
    {
        try
        {
            await controller.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end of a controller.
        }
        catch (Exception e)
        {
            // A controller that dies would leave its kind unmanaged while this instance still holds the lease.
            _logger.LogCritical(e, "Controller {Controller} crashed; stopping the application", controller.Name);
            _lifetime.StopApplication();
        }
    }
}

/// <summary>Leader election settings.</summary>
public sealed record LeaderElectionOptions
{
    /// <summary>Compete for the lease; when false, controllers run unconditionally (one replica only).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Namespace of the lease: the operator's own namespace.</summary>
    public string LeaseNamespace { get; init; } = "default";

    /// <summary>Name of the lease.</summary>
    public string LeaseName { get; init; } = "dbackup-operator-leader";

    /// <summary>This instance's identity: <c>POD_NAME</c>, or the machine name outside a pod.</summary>
    public string Identity { get; init; } = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;

    /// <summary>How long a lease is valid without renewal (client default 15 s).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up (client default 10 s).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between attempts to acquire or renew (client default 2 s).</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
