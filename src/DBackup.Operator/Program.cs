using DBackup.Operator.Cli;

return await DBackupCommand.RunAsync(args);
