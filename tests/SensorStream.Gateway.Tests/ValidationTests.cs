using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>Names, sizes and existence: clear errors, nothing half-written, nothing outside the data directory.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("back\\slash")]
    public async Task Bad_names_are_invalid_arguments_naming_the_name(string bad)
    {
        await using var gw = await TestGateway.StartAsync();
        var scope = await Assert.ThrowsAsync<RpcException>(() => gw.Client.CreateScopeAsync(bad));
        Assert.Equal(StatusCode.InvalidArgument, scope.StatusCode);
        Assert.Contains($"'{bad}'", scope.Status.Detail);
        await gw.Client.CreateScopeAsync("ok");
        var stream = await Assert.ThrowsAsync<RpcException>(() => gw.Client.CreateStreamAsync(new StreamName("ok", bad)));
        Assert.Equal(StatusCode.InvalidArgument, stream.StatusCode);
        Assert.Contains($"'{bad}'", stream.Status.Detail);
        Assert.Equal(["ok"], Directory.GetDirectories(Path.Combine(gw.DataDir, "scopes")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(Path.Combine(gw.DataDir, "scopes", "ok")));
    }

    [Fact]
    public async Task Creating_twice_answers_false_and_unknown_things_are_not_found()
    {
        await using var gw = await TestGateway.StartAsync();
        Assert.True(await gw.Client.CreateScopeAsync("sc"));
        Assert.False(await gw.Client.CreateScopeAsync("sc"));
        Assert.True(await gw.Client.CreateStreamAsync(new StreamName("sc", "st"), 2));
        Assert.False(await gw.Client.CreateStreamAsync(new StreamName("sc", "st"), 2));
        Assert.Equal(["sc"], await gw.Client.ListScopesAsync());
        Assert.Equal([new StreamName("sc", "st")], await gw.Client.ListStreamsAsync("sc"));

        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.CreateStreamAsync(new StreamName("nosuch", "st")))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.GetStreamInfoAsync(new StreamName("sc", "nosuch")))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.ListStreamsAsync("nosuch"))).StatusCode);

        await gw.Client.DeleteStreamAsync(new StreamName("sc", "st"));
        Assert.Empty(await gw.Client.ListStreamsAsync("sc"));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.GetStreamInfoAsync(new StreamName("sc", "st")))).StatusCode);
        Assert.True(await gw.Client.CreateStreamAsync(new StreamName("sc", "st"), 1));
    }

    [Fact]
    public async Task Update_changes_retention_and_a_new_segment_count_scales_the_stream()
    {
        await using var gw = await TestGateway.StartAsync();
        var name = new StreamName("up", "s");
        await gw.Client.EnsureStreamAsync(name, 2);
        var ok = await gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest
        {
            Scope = "up", Stream = "s",
            RetentionPolicy = new RetentionPolicy { RetentionType = RetentionPolicy.Types.RetentionPolicyType.Size, RetentionParam = 1 << 20 },
        });
        Assert.True(ok.Updated);
        Assert.Equal(2, (await gw.Client.GetStreamInfoAsync(name)).Scaling!.Segments);
        ok = await gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest
        {
            Scope = "up", Stream = "s", ScalingPolicy = new ScalingPolicy { MinNumSegments = 5 },
        });
        Assert.True(ok.Updated);
        var scaling = (await gw.Client.GetStreamInfoAsync(name)).Scaling!;
        Assert.Equal((1, 5, 7), (scaling.Epoch, scaling.Segments, scaling.TotalSegments));
    }

    [Fact]
    public async Task Oversized_event_fails_the_request_and_writes_nothing_of_it()
    {
        await using var gw = await TestGateway.StartAsync(s => s with { MaxEventBytes = 1024 * 1024 });
        var name = new StreamName("big", "s");
        await gw.Client.EnsureStreamAsync(name);
        var txn = await gw.Client.BeginTransactionAsync(name, TimeSpan.FromMinutes(1));
        var newest = JournalFile.Newest(Path.Combine(gw.DataDir, "scopes", "big", "s"));
        var journalBytes = new FileInfo(newest).Length;
        OutgoingEvent[] request = [Events.Make("k", 1), new("k", new byte[1024 * 1024]), new("k", new byte[1024 * 1024 + 1])];
        var error = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteTransactionEventsAsync(name, txn, request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("event 2", error.Status.Detail);
        // The request is journaled as it arrives (its first 1 MiB went in as a staged part before event 2 came), but
        // nothing of it joined the transaction: no event, batch or adopt frame of a transaction was written.
        Assert.DoesNotContain(JournalFile.Frames(newest), f => f.Offset >= journalBytes && f.Kind != (byte)JournalFrameKind.StagedBatch);
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(name, txn));
        Assert.Empty(await gw.Client.ReadRangeAsync(name).ToListAsync());

        // The compatible WriteEvents with use_transaction: all or nothing.
        var inTxn = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteEventsAsync(name, request, useTransaction: true));
        Assert.Equal(StatusCode.InvalidArgument, inTxn.StatusCode);
        Assert.Contains("events 0..2 (the open transaction) were not written", inTxn.Status.Detail);
        Assert.Empty(await gw.Client.ReadRangeAsync(name).ToListAsync());

        // Without it, events are appended as they arrive (as the public gateway's Pravega writer): the two before the
        // oversized one are written, and the error says so.
        var streamed = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteEventsAsync(name, request));
        Assert.Equal(StatusCode.InvalidArgument, streamed.StatusCode);
        Assert.Contains("events 0..1 of this call were written", streamed.Status.Detail);
        Assert.Equal(2, (await gw.Client.ReadRangeAsync(name).ToListAsync()).Count);

        // Exactly the limit is fine.
        await gw.Client.WriteEventsAsync(name, [new OutgoingEvent("k", Events.Blob(1024 * 1024, 7))]);
        Assert.Equal(Events.Blob(1024 * 1024, 7), (await gw.Client.ReadRangeAsync(name).ToListAsync())[^1].Data.ToArray());
    }

    [Fact]
    public async Task Default_event_limit_is_pravegas_8_MiB()
    {
        await using var gw = await TestGateway.StartAsync();
        var name = new StreamName("big", "default");
        await gw.Client.EnsureStreamAsync(name);
        var limit = 8 * 1024 * 1024;
        await gw.Client.WriteEventsAsync(name, [new OutgoingEvent("k", Events.Blob(limit, 3))]);
        var error = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteEventsAsync(name, [new OutgoingEvent("k", new byte[limit + 1])]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"more than the limit of {limit}", error.Status.Detail);
        Assert.Equal(Events.Blob(limit, 3), (await gw.Client.ReadRangeAsync(name).ToListAsync()).Single().Data.ToArray());
    }

    [Theory]
    [InlineData(ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments, -1)]
    [InlineData(ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec, -3)]
    public async Task A_negative_min_num_segments_is_invalid_and_changes_nothing(ScalingPolicy.Types.ScalingPolicyType type, int count)
    {
        await using var gw = await TestGateway.StartAsync();
        var stream = new StreamName("sc", "st");
        await gw.Client.EnsureStreamAsync(stream, segments: 2);
        await gw.Client.WriteEventsAsync(stream, [Events.Make("k", 0), Events.Make("k", 1), Events.Make("j", 0)]);
        var policy = new ScalingPolicy { ScaleType = type, TargetRate = 10, ScaleFactor = 2, MinNumSegments = count };

        var update = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest { Scope = stream.Scope, Stream = stream.Stream, ScalingPolicy = policy }));
        Assert.Equal(StatusCode.InvalidArgument, update.StatusCode);
        Assert.Contains($"min_num_segments {count} is negative", update.Status.Detail);
        var scaling = (await gw.Client.GetStreamInfoAsync(stream)).Scaling!;
        Assert.Equal((0, 2, 2, ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments), (scaling.Epoch, scaling.Segments, scaling.TotalSegments, scaling.Policy.ScaleType));
        Assert.Equal(3, (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Count);

        var create = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client.Raw.CreateStreamAsync(new CreateStreamRequest { Scope = stream.Scope, Stream = "other", ScalingPolicy = policy }));
        Assert.Equal(StatusCode.InvalidArgument, create.StatusCode);
        Assert.Contains($"min_num_segments {count} is negative", create.Status.Detail);
        Assert.Equal([stream], await gw.Client.ListStreamsAsync(stream.Scope));
    }
}
