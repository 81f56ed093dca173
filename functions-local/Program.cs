using SensorStream.Functions.Local;

// `dotnet run --project functions-local`: the Function App's mirror, forward and export jobs on their schedules under a
// plain .NET host (settings: environment over the repository's local.settings.json). See functions/README.md.
return await LocalHost.RunAsync(args);
