using Microsoft.Extensions.Configuration;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// The gateway's settings, defined in the shared model (<see cref="GatewayServerSettings"/>): each has a command-line
/// flag, an environment variable and a key in appsettings.json (section <c>Gateway</c>). Precedence: command line, then
/// environment, then appsettings.json, then the default. Read and checked by the model's one path, then the rules
/// across settings (<see cref="Check"/>).
/// </summary>
public static class SettingsCatalog
{
    public const string DefaultUrls = GatewayServerSettings.DefaultUrls;

    public static IReadOnlyList<Setting> All => GatewayServerSettings.Group.All;

    /// <summary>Flags ASP.NET Core itself understands, accepted on the command line as they are.</summary>
    private static readonly string[] HostFlags = ["--environment", "--contentRoot", "--applicationName"];

    /// <summary>The command line as a configuration layer; refuses unknown flags and flags without a value (a typo must not silently fall back to a default).</summary>
    public static IConfiguration FromCommandLine(string[] args)
    {
        try
        {
            var cli = SettingsCommandLine.Parse(GatewayServerSettings.Group, args,
                passThrough: name => HostFlags.Contains(name, StringComparer.OrdinalIgnoreCase) || name.Contains(':'), skipPositional: true);
            return SettingsReader.Layer(cli.Values);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationError(e.Message);
        }
    }

    /// <summary>The GATEWAY_* environment variables as a configuration layer.</summary>
    public static IConfiguration FromEnvironment() =>
        SettingsReader.FromEnvironment(GatewayServerSettings.Group, Environment.GetEnvironmentVariables());

    /// <summary>Reads and checks the settings from configuration layers, lowest precedence first (one merged configuration also works).</summary>
    /// <exception cref="ConfigurationError">A setting is invalid, naming it by flag and environment variable.</exception>
    public static GatewaySettings Read(params IConfiguration[] lowToHigh)
    {
        GatewaySettings settings;
        try
        {
            var values = SettingsReader.Read(GatewayServerSettings.Group, lowToHigh);
            settings = SettingsBinder.Bind(new GatewaySettings { DataDir = "" }, values, GatewayServerSettings.Group, Converters);
        }
        catch (SettingException e)
        {
            throw Bad(e.Setting, e.Problem);
        }
        Check(settings);
        return settings;
    }

    private static readonly IReadOnlyDictionary<string, Func<object, object?>> Converters = new Dictionary<string, Func<object, object?>>
    {
        ["DataDir"] = v => Path.GetFullPath(((string)v).Trim()),
        ["Urls"] = v => ((string)v).Trim(),
        ["TlsCert"] = ExistingFile,
        ["TlsKey"] = ExistingFile,
        ["AuthTokenFile"] = ExistingFile,
        ["TlsPassword"] = v => ((string)v).Trim(),
        ["AllowSharedSecrets"] = v => (string)v == "true",
    };

    private static object ExistingFile(object value)
    {
        var full = Path.GetFullPath(((string)value).Trim());
        return File.Exists(full) ? full : throw new FormatException($"file '{full}' does not exist");
    }

    /// <summary>Cross-setting rules; also applied to settings built in code (tests, in-process servers).</summary>
    public static void Check(GatewaySettings settings)
    {
        if (settings.DefaultLeaseMs > settings.MaxLeaseMs)
            throw Bad(Find("DefaultLeaseMs"), $"{settings.DefaultLeaseMs} is larger than --max-lease-ms ({settings.MaxLeaseMs})");
        if (settings.TlsKey is not null && settings.TlsCert is null)
            throw Bad(Find("TlsKey"), "is set but --tls-cert is not");
        var urls = settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) throw Bad(Find("Urls"), "is empty");
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw Bad(Find("Urls"), $"'{url}' is not an http:// or https:// URL");
            if (uri.Scheme == "https" && settings.TlsCert is null)
                throw Bad(Find("Urls"), $"'{url}' is https but no certificate is configured (--tls-cert)");
        }
        if (settings.TlsCert is not null && urls.All(u => !u.StartsWith("https", StringComparison.OrdinalIgnoreCase)))
            throw Bad(Find("TlsCert"), "is set but no --urls entry is https://");
        if (settings.AuthTokenFile is not null && File.ReadAllText(settings.AuthTokenFile).Trim().Length == 0)
            throw Bad(Find("AuthTokenFile"), $"'{settings.AuthTokenFile}' is empty");
        if (!settings.AllowSharedSecrets)
            foreach (var (flag, problem) in SecurityWarnings.SharedSecretFiles(settings))
                throw Bad(All.First(s => s.Flag == flag), $"{problem}, or start with --allow-shared-secrets true to accept it (then only a warning is logged)");
        // Bounds of the model for settings built in code too.
        foreach (var setting in All)
            if (typeof(GatewaySettings).GetProperty(setting.Key)?.GetValue(settings) is { } value && setting.Problem(value) is { } problem)
                throw Bad(setting, problem);
    }

    /// <summary>The usage and settings part of <c>--help</c>.</summary>
    public static string Help() =>
        "SensorStream gateway: Pravega's stream model behind the pravega-grpc-gateway protocol, plus explicit transactions.\n\n" +
        "usage: SensorStream.Gateway [options]            serve (until SIGTERM/Ctrl-C)\n" +
        "       SensorStream.Gateway verify|salvage ...   check or repair a data directory (see gateway/README.md)\n\n" +
        "Every setting also comes from its environment variable or appsettings.json (section \"Gateway\"); flags win over variables, which win over the file.\n\n" +
        SettingsDocs.Help(GatewayServerSettings.Group);

    private static Setting Find(string key) => GatewayServerSettings.Group[key];

    private static ConfigurationError Bad(Setting s, string what) => new($"setting {s.Flag} ({s.EnvVar}): {what}");
}
