using DBackup.Bench;

// One case per benchmark; each returns the process exit code.
return args.FirstOrDefault() switch
{
    "pipeline" => await PipelineBench.RunAsync(args[1..]),
    "devcluster" => await DevClusterBench.RunAsync(args[1..]),
    "backup" => await BackupBench.RunAsync(args[1..]),
    "restore" => await RestoreBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: DBackup.Bench pipeline [--objects 10000,100000] [--out bench/results/pipeline.md] | devcluster");
    return 2;
}
