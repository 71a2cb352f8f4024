Console.Error.WriteLine("usage: DBackup.Bench pipeline|devcluster");
return 2;
