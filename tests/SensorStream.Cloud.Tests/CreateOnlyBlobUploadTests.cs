using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Parquet;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

/// <summary>The streamed create-only upload of export files: same bytes, one atomic create, nothing visible before the commit.</summary>
[Collection(StorageCollection.Name)]
public sealed class CreateOnlyBlobUploadTests(AzuriteFixture azurite)
{
    private async Task<BlockBlobClient> NewBlobAsync(string name)
    {
        var container = azurite.Blobs.GetBlobContainerClient("upload-tests");
        await container.CreateIfNotExistsAsync();
        return container.GetBlockBlobClient($"{name}-{Guid.NewGuid():N}");
    }

    private static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1000, 0)]
    [InlineData(1024, 0)]
    [InlineData(2048, 0)]
    [InlineData(2049, 3)]
    [InlineData(10_000, 10)]
    public async Task Writes_in_any_pieces_come_back_byte_for_byte_with_headers_and_metadata(int length, int blocks)
    {
        var blob = await NewBlobAsync("bytes");
        var data = Bytes(length);
        await using (var upload = new CreateOnlyBlobUpload(blob, new BlobHttpHeaders { ContentType = "text/csv" }, new Dictionary<string, string> { ["rows"] = "7" },
                         blockBytes: 1024, maxInFlight: 2, singlePutBytes: 2048))
        {
            // Pieces of every size around the block size, sync and async.
            for (int at = 0, piece = 1; at < length; at += piece, piece = piece * 3 % 1500 + 1)
            {
                var n = Math.Min(piece, length - at);
                if (piece % 2 == 0) await upload.Content.WriteAsync(data.AsMemory(at, n));
                else upload.Content.Write(data, at, n);
            }
            Assert.Equal(length, upload.Content.Position);
            // Nothing is visible before the commit.
            Assert.False(await blob.ExistsAsync());
            await upload.CompleteAsync();
            Assert.Equal(blocks, upload.BlocksStaged);
        }
        var read = (await blob.DownloadContentAsync()).Value;
        Assert.Equal(data, read.Content.ToArray());
        Assert.Equal("text/csv", read.Details.ContentType);
        Assert.Equal("7", read.Details.Metadata["rows"]);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(5000)]
    public async Task A_second_upload_of_the_same_name_fails_409_or_412_and_leaves_the_first(int length)
    {
        var blob = await NewBlobAsync("race");
        var first = Bytes(length);
        await using (var upload = new CreateOnlyBlobUpload(blob, null, null, blockBytes: 1024, singlePutBytes: 2048))
        {
            await upload.Content.WriteAsync(first);
            await upload.CompleteAsync();
        }
        await using (var loser = new CreateOnlyBlobUpload(blob, null, null, blockBytes: 1024, singlePutBytes: 2048))
        {
            await loser.Content.WriteAsync(Bytes(length + 1));
            var e = await Assert.ThrowsAsync<RequestFailedException>(() => loser.CompleteAsync());
            Assert.True(BlobConditions.LostRace(e), $"status {e.Status}");
        }
        Assert.Equal(first, (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task Racing_uploads_of_one_name_create_it_exactly_once_with_one_writers_bytes()
    {
        var blob = await NewBlobAsync("many");
        var payloads = Enumerable.Range(0, 4).Select(i => Bytes(4000 + i)).ToList();
        var outcomes = await Task.WhenAll(payloads.Select(async data =>
        {
            await using var upload = new CreateOnlyBlobUpload(blob, null, null, blockBytes: 1000, maxInFlight: 2, singlePutBytes: 2000);
            await upload.Content.WriteAsync(data);
            try
            {
                await upload.CompleteAsync();
                return true;
            }
            catch (RequestFailedException e) when (BlobConditions.LostRace(e))
            {
                return false;
            }
        }));
        Assert.Single(outcomes, won => won);
        Assert.Equal(payloads[Array.IndexOf(outcomes, true)], (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task An_abandoned_upload_leaves_no_blob()
    {
        var blob = await NewBlobAsync("abandoned");
        await using (var upload = new CreateOnlyBlobUpload(blob, null, null, blockBytes: 1024, singlePutBytes: 2048))
            await upload.Content.WriteAsync(Bytes(5000));
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task Parquet_and_csv_writers_streamed_through_small_blocks_give_the_bytes_they_write_to_memory()
    {
        var rng = new Random(3);
        // Just over one row group (122,880 rows), so the Parquet file has two.
        var rows = ParquetExportWriter.RowGroupUnit + 5000;
        var batch = new SampleBatch("accel", 0, Enumerable.Range(0, rows).Select(i => 1_795_687_200_000_000_000L + i * 1_000_000L).ToArray())
            .WithColumn("X", Enumerable.Range(0, rows).Select(_ => rng.NextDouble()).ToArray());
        var table = ExportTableBuilder.Build([batch]);
        foreach (var format in new[] { ExportFormat.Parquet, ExportFormat.Csv })
        {
            using var memory = new MemoryStream();
            var blob = await NewBlobAsync(format.ToString());
            await using (var upload = new CreateOnlyBlobUpload(blob, null, null, blockBytes: 128 * 1024, maxInFlight: 2, singlePutBytes: 128 * 1024))
            {
                if (format == ExportFormat.Csv)
                {
                    await CsvExportWriter.WriteAsync(table, memory);
                    await CsvExportWriter.WriteAsync(table, upload.Content);
                }
                else
                {
                    await ParquetExportWriter.WriteAsync(table, memory, 1 << 16, "{}");
                    await ParquetExportWriter.WriteAsync(table, upload.Content, 1 << 16, "{}");
                }
                await upload.CompleteAsync();
                Assert.True(upload.BlocksStaged > 2);
            }
            var read = (await blob.DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(memory.ToArray(), read);
            if (format == ExportFormat.Parquet)
            {
                await using var reader = await ParquetReader.CreateAsync(new MemoryStream(read));
                Assert.True(reader.RowGroupCount > 1);
            }
        }
    }
}
