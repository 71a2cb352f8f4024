using DBackup.Pipeline.Archive;
using DBackup.Pipeline.Tests.Support;

namespace DBackup.Pipeline.Tests.Archive;

public sealed class DuplicateDetectorTests : IDisposable
{
    private readonly TempDirectory _dir = new("dbackup-dup-test");

    public void Dispose() => _dir.Dispose();

    private static List<UInt128> Distinct(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToList();
    }

    [Theory]
    // Values, run size, index of the value repeated (-1: none), position of the repeat.
    [InlineData(10, 64, -1, 0)]
    [InlineData(10, 64, 3, 7)]
    [InlineData(1000, 16, -1, 0)]
    [InlineData(1000, 16, 5, 990)]   // repeat lands in a different spilled run
    [InlineData(1000, 16, 999, 999)] // repeat of the last value, in the final in-memory run
    [InlineData(0, 16, -1, 0)]
    public async Task FindDuplicate_FindsRepeatAcrossRuns(int count, int runSize, int repeated, int at)
    {
        using var spool = SpoolDirectory.Create(_dir.Path);
        var detector = new DuplicateDetector(spool, runSize);
        var values = Distinct(count, count);
        if (repeated >= 0)
        {
            values.Insert(at, values[repeated]);
        }

        foreach (var value in values)
        {
            detector.Add(value);
        }

        var found = await detector.FindDuplicateAsync(default);

        Assert.Equal(repeated >= 0 ? values[at] : null, found);
        if (count > runSize)
        {
            Assert.True(Directory.GetFiles(spool.Path, "paths-*").Length > 1);
        }
    }
}
