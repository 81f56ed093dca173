using Microsoft.Extensions.Configuration;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Hosting;

/// <summary>The executable: settings from command line, GATEWAY_* environment and appsettings.json; runs until SIGTERM/Ctrl-C.</summary>
public static class GatewayHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (GatewayTools.IsTool(args)) return GatewayTools.Run(args, Console.Out, Console.Error);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.Write(SettingsCatalog.Help());
            return 0;
        }
        WebApplication app;
        GatewaySettings settings;
        try
        {
            var commandLine = SettingsCatalog.FromCommandLine(args);
            var file = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables("ASPNETCORE_")
                .Build();
            settings = SettingsCatalog.Read(file, SettingsCatalog.FromEnvironment(), commandLine);
            app = GatewayApp.Build(settings, args);
        }
        catch (ConfigurationError e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 2;
        }
        catch (DataDirectoryInUseException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return DataDirectoryInUseException.ExitCode;
        }
        catch (DataLayoutException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 3;
        }
        catch (Exception e) when (e is StorageDamageException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync("error: the data directory is damaged: " + e.Message).ConfigureAwait(false);
            return 3;
        }
        await using (app.ConfigureAwait(false))
        {
            if (ListenAddressInUse.Check(settings.Urls) is { } inUse)
            {
                await Console.Error.WriteLineAsync("error: " + inUse).ConfigureAwait(false);
                return ListenAddressInUse.ExitCode;
            }
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (ListenAddressInUse.Of(e) is { } taken)
            {
                await Console.Error.WriteLineAsync("error: " + taken).ConfigureAwait(false);
                return ListenAddressInUse.ExitCode;
            }
            GatewayApp.LogListening(app, settings);
            // Returns after SIGTERM/Ctrl-C: Kestrel stops accepting, in-flight calls (and their fsyncs) finish, then the
            // store drains its commit pipelines and checkpoints when the container disposes it.
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }
        return 0;
    }
}
