using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Client;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>Range checks (the bounds of the shared model) and consistency checks; each failure names one setting.</summary>
internal static class SettingsValidation
{
    public static void Validate(EdgeSettings s)
    {
        Require(s.Gateway is not null, "Gateway", "is required");
        Require(s.GatewayToken is null || s.GatewayTokenFile is null, "GatewayTokenFile", "GatewayToken (--gateway-token) is set too: use one of them");
        if (s.GatewayTokenFile is not null) ReadTokenFile(s.GatewayTokenFile);
        if (s.GatewayCaFile is not null) CheckCertificate(s.GatewayCaFile);
        Require(s.Scope.Length > 0, "Scope", "is required");
        Require(s.Stream.Length > 0, "Stream", "is required");
        Check("Scope", () => NameRules.EnsureValid(s.Scope, "scope"));
        Check("Stream", () => NameRules.EnsureValid(s.Stream, "stream"));
        Require(s.Db.Length > 0, "Db", "must be a file path");
        Require(s.Sensors.Count > 0, "Sensors", "at least one --sensor is required");
        Check("Sensors", () =>
        {
            var ids = s.Sensors.Select(SensorFactory.SensorIdOf).ToList();
            var duplicate = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new FormatException($"two sensors have the id '{duplicate.Key}'");
        });
        // Every bound of the shared model, for values from flags and for values built in code (the module twin) alike.
        foreach (var definition in SettingsCatalog.All)
        {
            var value = typeof(EdgeSettings).GetProperty(definition.Key)?.GetValue(s);
            if (value is not null && definition.Model.Problem(value) is { } problem) throw new SettingsException(definition, problem);
        }
        Require(s.Spin.Ticks * 100 < 1e9 / s.Rate, "Spin", "must be shorter than one sampling period");
        var csv = s.CsvDialect.Problem();
        Require(csv is null, s.CsvDialect.Separator is '"' or '\r' or '\n' ? "CsvSeparator" : "CsvDecimalSeparator", csv ?? "");
    }

    /// <summary>
    /// A sampled sensor's event of <c>--batch</c> samples must fit the whole queue, or it could never be queued (its
    /// samples refused for good, <see cref="QueueOptions.LargerThanWhole"/>): refused when even the smallest such event
    /// (<see cref="CollectorLimits.LeastBytesPerSample"/> per sample) is larger than the queue. CSV directories are not
    /// bound: the importer splits a file into parts that fit. Checked at start (<see cref="SettingsLoader.Load"/>); a module
    /// twin's change of either setting is not (its overrides are validated one by one, so a patch raising both would be
    /// refused by their order): an event that does not fit is then said once at run time.
    /// </summary>
    public static void CheckQueueHoldsOneEvent(EdgeSettings s)
    {
        if (s.Sensors.All(x => x.Descriptor.Timing is SensorTiming.Imported or SensorTiming.Unavailable)) return;
        var least = (long)s.Batch * CollectorLimits.LeastBytesPerSample;
        if (least <= s.MaxQueueBytes) return;
        var (queue, batch) = (SettingsCatalog.ByKey("MaxQueueMb"), SettingsCatalog.ByKey("Batch"));
        throw new SettingsException(queue, string.Create(CultureInfo.InvariantCulture,
            $"{s.MaxQueueMb} MiB ({s.MaxQueueBytes} bytes) cannot hold one event of {batch.Flag} {s.Batch} samples, " +
            $"which takes at least {least} bytes ({CollectorLimits.LeastBytesPerSample} per sample: a 19-digit timestamp and a value): " +
            $"raise {queue.Flag} (a queue should hold many events) or lower {batch.Flag}"));
    }

    /// <summary>The token in the file, trimmed; the error names the setting, never the file's content.</summary>
    public static string ReadTokenFile(string path)
    {
        try
        {
            return TokenFile.Read(path);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(SettingsCatalog.ByKey("GatewayTokenFile"), e is FormatException ? e.Message : $"cannot read '{path}': {e.Message}");
        }
    }

    private static void CheckCertificate(string path)
    {
        var setting = SettingsCatalog.ByKey("GatewayCaFile");
        if (!File.Exists(path)) throw new SettingsException(setting, $"'{path}' does not exist");
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException(setting, $"'{path}' is not a readable PEM or DER certificate: {e.Message}");
        }
    }

    private static void Require(bool ok, string key, string problem)
    {
        if (!ok) throw new SettingsException(SettingsCatalog.ByKey(key), problem);
    }

    private static void Check(string key, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new SettingsException(SettingsCatalog.ByKey(key), e.Message);
        }
    }
}
