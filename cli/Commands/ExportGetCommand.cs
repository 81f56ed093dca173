using System.ComponentModel;
using Azure.Storage.Blobs.Models;
using SensorStream.Cli.Exports;
using SensorStream.Cli.Local;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Downloads a stream's exported files, keeping their Hive-style folder layout.</summary>
[Description("Download a stream's exported CSV and Parquet files to a folder.")]
public sealed class ExportGetCommand : AsyncCommand<ExportGetCommand.Settings>
{
    public sealed class Settings : LocalRunSettings
    {
        [CommandOption("--to <DIR>")]
        [Description("Folder to download into (created if missing; default: <data-dir>/exports).")]
        public string? To { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("csv, parquet or all.")]
        [DefaultValue("all")]
        public string Format { get; init; } = "all";

        public IReadOnlyList<string> Formats => Format == "all" ? ["csv", "parquet"] : [Format];

        public override ValidationResult Validate()
        {
            if (To is not null && string.IsNullOrWhiteSpace(To)) return ValidationResult.Error("--to: the folder name is empty");
            if (Format is not ("csv" or "parquet" or "all")) return ValidationResult.Error($"--format: '{Format}' is not csv, parquet or all");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "export get", needsGateway: false, needsStorage: true, ct);
        var container = access.Blobs.GetBlobContainerClient(ExportAudit.Container);
        if (!await container.ExistsAsync(ct))
            throw new CliException(ExitCodes.CheckFailed, $"export get: the storage account has no '{ExportAudit.Container}' container yet (nothing exported)");
        var to = Path.GetFullPath(settings.To ?? Path.Combine(settings.ResolvedDataDir, "exports"));
        var files = 0;
        long bytes = 0;
        foreach (var format in settings.Formats)
        {
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExportAudit.Prefix(format, settings.StreamName), ct))
            {
                var target = Path.GetFullPath(Path.Combine(to, item.Name));
                if (!target.StartsWith(to + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue; // never write outside --to
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await container.GetBlobClient(item.Name).DownloadToAsync(target, ct);
                files++;
                bytes += item.Properties.ContentLength ?? 0;
            }
        }
        if (files == 0)
            throw new CliException(ExitCodes.CheckFailed, $"export get: nothing exported yet for {settings.StreamName} ({string.Join(" or ", settings.Formats)})");
        Console.WriteLine($"downloaded {files} files ({bytes:N0} bytes) of {settings.StreamName} to {to}");
        return ExitCodes.Ok;
    }
}
