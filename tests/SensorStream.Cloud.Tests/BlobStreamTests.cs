using System.Text;
using Azure.Storage.Blobs.Models;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Protocol;

namespace SensorStream.Cloud.Tests;

[Collection(StorageCollection.Name)]
public sealed class BlobStreamTests(AzuriteFixture azurite)
{
    private static StreamCut Cut(int n) => new() { Text = $"cut-{n}", Cut = { [0] = n * 100L } };

    private static IReadOnlyList<ReadOnlyMemory<byte>> Events(params string[] texts) => texts.Select(t => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(t)).ToList();

    [Fact]
    public async Task Chunks_are_numbered_from_zero_and_read_back_in_order_with_their_cut()
    {
        var blob = await azurite.Store.OpenAsync(azurite.NewStream("order"));
        Assert.Null(await blob.FindLastAsync());
        var c0 = await blob.AppendAsync(null, Events("a", "b"), Cut(1));
        var c1 = await blob.AppendAsync(c0, Events("", "c,\"d\"", "e"), Cut(2));
        Assert.Equal((0L, 0L, 2), (c0.Seq, c0.FirstEvent, c0.EventCount));
        Assert.Equal((1L, 2L, 3, 5L), (c1.Seq, c1.FirstEvent, c1.EventCount, c1.NextEvent));

        var read = new List<string>();
        await foreach (var chunk in blob.ReadFromAsync(0))
            read.AddRange(chunk.Events.Select(e => Encoding.UTF8.GetString(e.Span)));
        Assert.Equal(["a", "b", "", "c,\"d\"", "e"], read);

        var last = await blob.FindLastAsync();
        Assert.Equal(1, last!.Seq);
        Assert.Equal("cut-2", last.EndCut.Text);
        Assert.Equal(200, last.EndCut.Cut[0]);
    }

    [Fact]
    public async Task Blob_names_follow_the_layout()
    {
        var stream = azurite.NewStream("names");
        var blob = await azurite.Store.OpenAsync(stream);
        await blob.AppendAsync(null, Events("x"), Cut(1));
        var names = new List<string>();
        await foreach (var item in azurite.Blobs.GetBlobContainerClient("streams").GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{stream.Scope}/{stream.Stream}/", default))
            names.Add(item.Name);
        Assert.Equal([$"{stream.Scope}/{stream.Stream}/000000000000.chunk"], names);
    }

    [Fact]
    public async Task Two_writers_racing_for_the_same_chunk_commit_exactly_one()
    {
        var blob = await azurite.Store.OpenAsync(azurite.NewStream("race"));
        var c0 = await blob.AppendAsync(null, Events("first"), Cut(1));
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await blob.AppendAsync(c0, Events($"writer-{i}"), Cut(10 + i));
                return true;
            }
            catch (ChunkConflictException)
            {
                return false;
            }
        }).ToList();
        var won = await Task.WhenAll(attempts);
        Assert.Equal(1, won.Count(w => w));
        var chunk = await blob.ReadChunkAsync(1);
        var winner = Array.IndexOf(won, true);
        Assert.Equal($"writer-{winner}", Encoding.UTF8.GetString(chunk!.Events.Single().Span));
        Assert.Equal($"cut-{10 + winner}", chunk.Info.EndCut.Text);
    }

    [Fact]
    public async Task Last_chunk_is_found_when_the_hint_lags_or_is_missing()
    {
        var stream = azurite.NewStream("hint");
        var blob = await azurite.Store.OpenAsync(stream);
        ChunkInfo? last = null;
        for (var i = 0; i < 5; i++) last = await blob.AppendAsync(last, Events($"e{i}"), Cut(i));
        await blob.AdvanceHintAsync(1); // a writer crashed after chunk 4 before moving the hint past 1
        Assert.Equal(4, (await blob.FindLastAsync())!.Seq);

        await azurite.Blobs.GetBlobContainerClient("streams").DeleteBlobAsync(BlobStreamLayout.HintName(stream));
        Assert.Equal(4, (await blob.FindLastAsync())!.Seq);

        await blob.AdvanceHintAsync(4);
        await blob.AdvanceHintAsync(2); // never moves back
        var hint = await azurite.Blobs.GetBlobContainerClient("streams").GetBlobClient(BlobStreamLayout.HintName(stream)).DownloadContentAsync();
        Assert.Equal("4", hint.Value.Content.ToString());
    }

    [Fact]
    public async Task A_chunk_whose_body_disagrees_with_its_metadata_is_refused()
    {
        var stream = azurite.NewStream("corrupt");
        var blob = await azurite.Store.OpenAsync(stream);
        await blob.AppendAsync(null, Events("a", "b"), Cut(1));
        var client = azurite.Blobs.GetBlobContainerClient("streams").GetBlobClient(BlobStreamLayout.ChunkName(stream, 0));
        var metadata = (await client.GetPropertiesAsync()).Value.Metadata;
        await client.UploadAsync(new BinaryData(ChunkCodec.Encode(Events("a"))), new BlobUploadOptions { Metadata = metadata });
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => blob.ReadChunkAsync(0));
        Assert.Contains("holds 1 events but its metadata says 2", e.Message);
    }

    [Fact]
    public async Task Store_lists_the_streams_it_holds()
    {
        var a = azurite.NewStream("list");
        var b = azurite.NewStream("list");
        foreach (var s in new[] { a, b }) await (await azurite.Store.OpenAsync(s)).AppendAsync(null, Events("x"), Cut(1));
        var listed = new List<string>();
        await foreach (var s in azurite.Store.ListStreamsAsync()) listed.Add(s.ToString());
        Assert.Contains(a.ToString(), listed);
        Assert.Contains(b.ToString(), listed);
    }
}
