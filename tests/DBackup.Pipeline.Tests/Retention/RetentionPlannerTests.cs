using DBackup.Pipeline.Retention;
using DBackup.Pipeline.Storage;
using static DBackup.Pipeline.Tests.Support.StorageBackups;

namespace DBackup.Pipeline.Tests.Retention;

public sealed class RetentionPlannerTests
{
    private static readonly DateTimeOffset Now = At(20);

    [Fact]
    public void Plan_DeletesOldestBeyondKeepLast_WhenMoreBackupsThanKeepLast()
    {
        var listing = new Listing().Complete("app", 1, 2, 3, 4, 5);

        var plan = listing.Plan("app", new RetentionPolicy { KeepLast = 2 });

        Assert.Equal(["app-20260101T030000Z", "app-20260102T030000Z", "app-20260103T030000Z"], plan.Select(d => d.Name));
        Assert.All(plan, d => Assert.Equal(RetentionReason.KeepLast, d.Reason));
        Assert.Equal(["app/app-20260101T030000Z.tar.gz.meta.json", "app/app-20260101T030000Z.tar.gz"], plan[0].Keys);
    }

    [Fact]
    public void Plan_DeletesBackupsOlderThanMaxAge_WhenMaxAgeSet()
    {
        var listing = new Listing().Complete("app", 10, 14, 15, 19);

        var plan = listing.Plan("app", new RetentionPolicy { MaxAge = TimeSpan.FromDays(5) });

        Assert.Equal(["app-20260110T030000Z", "app-20260114T030000Z"], plan.Select(d => d.Name));
        Assert.All(plan, d => Assert.Equal(RetentionReason.MaxAge, d.Reason));
    }

    [Fact]
    public void Plan_AppliesBothLimits_WhenKeepLastAndMaxAgeSet()
    {
        var listing = new Listing().Complete("app", 5, 16, 17, 18, 19);

        var plan = listing.Plan("app", new RetentionPolicy { KeepLast = 3, MaxAge = TimeSpan.FromDays(10) });

        Assert.Equal([("app-20260105T030000Z", RetentionReason.KeepLast), ("app-20260116T030000Z", RetentionReason.KeepLast)],
            plan.Select(d => (d.Name, d.Reason)));
        var byAge = Assert.Single(listing.Plan("app", new RetentionPolicy { KeepLast = 10, MaxAge = TimeSpan.FromDays(10) }));
        Assert.Equal(("app-20260105T030000Z", RetentionReason.MaxAge), (byAge.Name, byAge.Reason));
    }

    [Fact]
    public void Plan_KeepsNewestBackup_WhenAllAreOlderThanMaxAge()
    {
        var listing = new Listing().Complete("app", 1, 2, 3);

        var plan = listing.Plan("app", new RetentionPolicy { MaxAge = TimeSpan.FromDays(1) });

        Assert.Equal(["app-20260101T030000Z", "app-20260102T030000Z"], plan.Select(d => d.Name));
    }

    [Fact]
    public void Plan_KeepsNewestRestorable_WhenNewerBackupsAreBroken()
    {
        var listing = new Listing().Complete("app", 1, 2).Invalid("app", 3).MetaOnly("app", 4);

        var plan = listing.Plan("app", new RetentionPolicy { KeepLast = 1, MaxAge = TimeSpan.FromDays(1) });

        Assert.DoesNotContain(plan, d => d.Name == "app-20260102T030000Z");
        Assert.Contains(plan, d => d.Name == "app-20260101T030000Z");
        Assert.Contains(plan, d => d.Name == "app-20260104T030000Z" && d.Reason == RetentionReason.MissingPayload);
    }

    [Fact]
    public void Plan_TouchesOnlyThePolicysOwnKeys_WhenOtherPolicyNameStartsTheSame()
    {
        var listing = new Listing().Complete("app", 1, 2).Complete("app-2", 1, 2, 3).PayloadOnly("app-2", 4, modifiedDay: 4);
        listing.Foreign("app/notes.txt", "app/other-20260101T030000Z.tar.gz", "app/sub/app-20260101T030000Z.tar.gz", "app-20260101T030000Z.tar.gz");

        var plan = listing.Plan("app", new RetentionPolicy { KeepLast = 1 });

        var deleted = Assert.Single(plan);
        Assert.Equal(["app/app-20260101T030000Z.tar.gz.meta.json", "app/app-20260101T030000Z.tar.gz"], deleted.Keys);
    }

    [Fact]
    public void Plan_DeletesOrphanedPayload_WhenOlderThanGracePeriod()
    {
        var listing = new Listing().Complete("app", 1).PayloadOnly("app", 19, modifiedDay: 19);

        var plan = listing.Plan("app", new RetentionPolicy());

        var orphan = Assert.Single(plan);
        Assert.Equal(RetentionReason.OrphanedPayload, orphan.Reason);
        Assert.Equal(["app/app-20260119T030000Z.tar.gz"], orphan.Keys);
    }

    [Fact]
    public void Plan_KeepsOrphanedPayload_WhenStillWithinGracePeriod()
    {
        // Named two days ago but written 30 minutes ago: a long upload whose meta.json is about to follow.
        var listing = new Listing().PayloadOnly("app", 18, modifiedAt: Now.AddMinutes(-30));

        Assert.Empty(listing.Plan("app", new RetentionPolicy { KeepLast = 1 }));
        Assert.Single(listing.Plan("app", new RetentionPolicy { OrphanGracePeriod = TimeSpan.FromMinutes(10) }));
    }

    [Fact]
    public void Plan_DeletesNothing_WhenUnlimitedAndNoOrphans()
    {
        Assert.Empty(new Listing().Complete("app", 1, 2, 3).Plan("app", new RetentionPolicy()));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(null, -1.0)]
    public void Validate_Throws_WhenLimitOutOfRange(int? keepLast, double? maxAgeDays)
    {
        var policy = new RetentionPolicy { KeepLast = keepLast, MaxAge = maxAgeDays is { } d ? TimeSpan.FromDays(d) : null };

        Assert.Throws<ArgumentOutOfRangeException>(policy.Validate);
    }

    /// <summary>A hand-built destination listing plus the catalog entries the real catalog would derive from it.</summary>
    private sealed class Listing
    {
        private readonly List<StoredObject> objects = [];
        private readonly List<BackupInfo> backups = [];

        public Listing Complete(string policy, params int[] days)
        {
            foreach (var day in days)
            {
                Add(policy, day, BackupState.Complete, payload: true);
            }

            return this;
        }

        public Listing Invalid(string policy, int day) => Add(policy, day, BackupState.Invalid, payload: true);

        public Listing MetaOnly(string policy, int day) => Add(policy, day, BackupState.PayloadMissing, payload: false);

        public Listing PayloadOnly(string policy, int day, int? modifiedDay = null, DateTimeOffset? modifiedAt = null)
        {
            objects.Add(new StoredObject(PayloadKey(policy, day), 64, modifiedAt ?? At(modifiedDay ?? day).AddMinutes(1)));
            return this;
        }

        public void Foreign(params string[] keys) => objects.AddRange(keys.Select(k => new StoredObject(k, 1, At(1))));

        public IReadOnlyList<RetentionDeletion> Plan(string policy, RetentionPolicy retention) =>
            RetentionPlanner.Plan(policy, objects, backups, retention, Now);

        private Listing Add(string policy, int day, BackupState state, bool payload)
        {
            var payloadKey = PayloadKey(policy, day);
            objects.Add(new StoredObject(BackupName.MetaKey(payloadKey), 500, At(day).AddMinutes(1)));
            if (payload)
            {
                objects.Add(new StoredObject(payloadKey, 64, At(day).AddMinutes(1)));
            }

            backups.Add(new BackupInfo
            {
                Name = BackupName.For(policy, At(day)),
                Policy = policy,
                CreatedAt = At(day),
                MetaKey = BackupName.MetaKey(payloadKey),
                PayloadKey = payloadKey,
                State = state,
            });
            return this;
        }

        private static string PayloadKey(string policy, int day) =>
            BackupName.PayloadKey(policy, BackupName.For(policy, At(day)), compressed: true, encrypted: false);
    }
}
