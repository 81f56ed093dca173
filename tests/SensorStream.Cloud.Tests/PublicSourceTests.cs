using Microsoft.Extensions.Configuration;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Functions.Services;
using SensorStream.Functions.Settings;
using SensorStream.Streams.Client;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// The cloud host reading from a gateway in <c>--protocol public</c> (standing in for a pravega-grpc-gateway): it has
/// no ListScopes, so stream discovery fails with an error naming MIRROR_STREAMS, and with MIRROR_STREAMS set the mirror
/// works through the public RPCs alone.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PublicSourceTests(GatewayFixture fixture, PublicGateway sourceGateway) : IClassFixture<PublicGateway>
{
    private readonly GatewayClient _source = sourceGateway.Client;

    private static CloudSettings Settings(string? streams) => CloudSettings.From(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["MIRROR_STREAMS"] = streams }).Build());

    [Fact]
    public async Task Discovery_needs_MIRROR_STREAMS_and_the_mirror_then_copies_every_event()
    {
        var events = SourceStreams.Numbered(12);
        var stream = await SourceStreams.CreateAsync(_source, fixture.Storage, "pubsrc", events);

        var discovering = new StreamSelection(Settings(null), fixture.Storage.Store, _source);
        var e = await Assert.ThrowsAsync<StreamDiscoveryException>(() => discovering.MirrorStreamsAsync(CancellationToken.None));
        Assert.Equal(_source.Endpoint, e.Gateway);
        Assert.Contains("set MIRROR_STREAMS", e.Message);
        Assert.Contains(_source.Endpoint.ToString(), e.Message);

        var configured = new StreamSelection(Settings(stream.ToString()), fixture.Storage.Store, _source);
        Assert.Equal([stream], await configured.MirrorStreamsAsync(CancellationToken.None));
        var mirror = new BlobMirror(_source, fixture.Storage.Store, new MirrorOptions { MaxEvents = 5 });
        for (var i = 0; i < 10 && (await mirror.StepAsync(stream)).MoreAvailable; i++) { }
        SourceStreams.AssertSame(events, await SourceStreams.ReadBlobAsync(fixture.Storage.Store, stream));

        // The status page still lists the blob copy although the gateway cannot list its streams.
        Assert.Contains(stream, await discovering.AllStreamsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task NoteTime_is_unimplemented_as_on_a_public_gateway_and_the_client_says_so()
    {
        var stream = await SourceStreams.CreateAsync(_source, fixture.Storage, "pubnote", SourceStreams.Numbered(1));
        // False only for UNIMPLEMENTED (any other status throws): the public gateway keeps no watermark.
        Assert.False(await _source.NoteTimeAsync(stream, new WriterTime("edge", TestEvents.BaseNanos)));
    }
}
