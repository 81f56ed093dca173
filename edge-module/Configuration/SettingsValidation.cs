using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Client;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>Range and consistency checks; each failure names one setting.</summary>
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
        Require(s.Rate is >= 1 and <= CollectorLimits.MaxRateHz, "Rate", $"must be between 1 and {CollectorLimits.MaxRateHz} Hz, got {s.Rate}");
        // Worst case: NIC, 7 integer columns per sample; the event must fit the gateway's 1 MiB.
        const int maxBatch = CollectorLimits.MaxBatch;
        Require(s.Batch >= 1 && s.Batch <= maxBatch, "Batch", $"must be between 1 and {maxBatch} samples (events must fit 1 MiB), got {s.Batch}");
        Require(s.FlushInterval >= TimeSpan.FromMilliseconds(10), "FlushInterval", "must be at least 10ms");
        Require(s.Spin >= TimeSpan.Zero && s.Spin.Ticks * 100 < 1e9 / s.Rate, "Spin", "must be shorter than one sampling period");
        Require(s.RealtimePriority is >= 0 and <= 99, "RealtimePriority", $"must be between 0 and 99, got {s.RealtimePriority}");
        Require(s.MaxQueueMb >= 0.01, "MaxQueueMb", $"must be at least 0.01 MiB, got {s.MaxQueueMb}");
        Require(s.TxnMaxEvents is >= 1 and <= 10_000, "TxnMaxEvents", $"must be between 1 and 10000, got {s.TxnMaxEvents}");
        Require(s.TxnLease >= TimeSpan.FromSeconds(1), "TxnLease", "must be at least 1s");
        Require(s.RetryMaxDelay >= TimeSpan.FromMilliseconds(100), "RetryMaxDelay", "must be at least 100ms");
        Require(s.OutcomeWindow >= TimeSpan.FromMilliseconds(500), "OutcomeWindow", "must be at least 500ms");
        Require(s.MetricsPort is >= 0 and <= 65535, "MetricsPort", $"must be a TCP port (0 = off), got {s.MetricsPort}");
        Require(s.CsvPollInterval >= TimeSpan.FromMilliseconds(10), "CsvPollInterval", "must be at least 10ms");
        var csv = s.CsvDialect.Problem();
        Require(csv is null, s.CsvDialect.Separator is '"' or '\r' or '\n' ? "CsvSeparator" : "CsvDecimalSeparator", csv ?? "");
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
