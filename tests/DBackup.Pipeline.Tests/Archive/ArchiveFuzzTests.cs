using System.Globalization;
using System.Text;
using CsCheck;
using DBackup.Pipeline.Encryption;
using DBackup.Pipeline.Tests.Support;
using Xunit.Abstractions;

namespace DBackup.Pipeline.Tests.Archive;

/// <summary>
/// Fuzzing the archive/segment reader and the manifest parser (see <see cref="ArchiveFuzz"/>). In the suite: a fixed
/// number of inputs from fixed seeds, a few seconds, the same inputs every run. On demand, for as long as wanted with
/// fresh random seeds and CsCheck's shrinking: <c>DBACKUP_FUZZ_SECONDS=600 dotnet test tests/DBackup.Pipeline.Tests
/// -c Release --filter ArchiveFuzzTests</c>; a failure prints the seed, which <c>DBACKUP_FUZZ_SEED</c> replays.
/// </summary>
public sealed class ArchiveFuzzTests(ITestOutputHelper output)
{
    private const int SuiteInputs = 1500;

    private static int? Seconds => int.TryParse(Environment.GetEnvironmentVariable("DBACKUP_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    private static string? Seed => Environment.GetEnvironmentVariable("DBACKUP_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    private void Run(Gen<byte[]> gen, Action<byte[]> invariant, ulong stream)
    {
        if (Seconds is { } seconds || Seed is not null)
        {
            gen.Sample(invariant, writeLine: output.WriteLine, seed: Seed, iter: -1, time: Seed is null ? Seconds ?? 0 : 0, threads: Environment.ProcessorCount);
            return;
        }

        // Deterministic: input i of this family always comes from the same PCG seed.
        for (ulong i = 0; i < SuiteInputs; i++)
        {
            var pcg = new PCG((uint)stream, i);
            var input = gen.Generate(pcg, null!, out _);
            try
            {
                invariant(input);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"fuzz input {i} of stream {stream} (CsCheck seed {new PCG((uint)stream, i)}) broke the invariant: {ex.GetType().Name}: {ex.Message}", ex);
            }
        }
    }

    [Fact]
    public void Reader_ReadsOrRefuses_AnyMutatedBackup() => Run(ArchiveFuzz.Payloads, ArchiveFuzz.AssertReadsOrRefuses, 1);

    [Fact]
    public void Reader_ReadsOrRefuses_MutatedEntryBodiesAndManifests() =>
        Run(Gen.OneOf(ArchiveFuzz.BodyMutations, ArchiveFuzz.ManifestMutations), ArchiveFuzz.AssertReadsOrRefuses, 2);

    [Fact]
    public void ManifestParser_ParsesOrRefuses_MutatedManifests() =>
        Run(Gen.UInt.Select(random =>
        {
            var rng = new Random((int)random);
            var manifest = PipelineHostileTar.Manifest(ArchiveFuzz.SeedFiles);
            for (var i = rng.Next(1, 4); i > 0; i--)
            {
                const string Tokens = "{}[]\":,0123456789-.eE\\u\"ntfl _/";
                manifest[rng.Next(manifest.Length)] = (byte)Tokens[rng.Next(Tokens.Length)];
            }

            return manifest;
        }), ArchiveFuzz.AssertManifestParsesOrRefuses, 3);

    [Fact]
    public async Task Seeds_AllVerify()
    {
        foreach (var seed in ArchiveFuzz.SeedPayloads)
        {
            var result = await PipelineRefusals.Reader(seed, ArchiveFuzz.Limits, keys: new KeyRing(ArchiveFuzz.Key)).VerifyAsync(default);
            Assert.Equal(ArchiveFuzz.SeedFiles.Count, result.Objects);
        }

        Assert.Contains(ArchiveFuzz.SeedFiles, f => Encoding.UTF8.GetString(f.Data).Contains("\\ud83d", StringComparison.Ordinal));
    }
}
