using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

public sealed class ExportPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static readonly ExportPlanner Planner = new(new ExportOptions
    {
        MaxRowsPerFile = 100, MaxSourceBytesPerFile = 1000, MaxChunksPerFile = 3,
        RollAfter = TimeSpan.FromMinutes(5), IdleFlushAfter = TimeSpan.FromSeconds(60),
    });

    private static ChunkSummary Chunk(long seq, long rows = 10, long bytes = 100, int ageSeconds = 0) => new(seq, rows, bytes, T0.AddSeconds(-ageSeconds));

    [Fact]
    public void The_first_chunk_always_fits_even_when_alone_it_is_over_the_limits()
    {
        Assert.True(Planner.Fits([], Chunk(0, rows: 5000, bytes: 50_000)));
    }

    [Theory]
    [InlineData(90, 10, 100, true)]
    [InlineData(90, 11, 100, false)]
    [InlineData(10, 10, 901, false)]
    public void A_chunk_fits_while_rows_and_bytes_stay_within_the_file_limits(long takenRows, long nextRows, long nextBytes, bool fits)
    {
        Assert.Equal(fits, Planner.Fits([Chunk(0, rows: takenRows)], Chunk(1, rows: nextRows, bytes: nextBytes)));
    }

    [Fact]
    public void At_most_the_chunk_limit_fits()
    {
        Assert.False(Planner.Fits([Chunk(0), Chunk(1), Chunk(2)], Chunk(3)));
        Assert.Equal(PlanDecision.Export, Planner.Decide([Chunk(0), Chunk(1), Chunk(2)], full: false, T0).Decision);
    }

    [Fact]
    public void Decides_by_fullness_roll_time_idle_time_or_a_manual_flush()
    {
        Assert.Equal(new ExportPlan(PlanDecision.Nothing, "no chunk to export"), Planner.Decide([], full: false, T0));
        Assert.Equal(new ExportPlan(PlanDecision.Export, "file full"), Planner.Decide([Chunk(0)], full: true, T0));
        Assert.Equal(PlanDecision.Wait, Planner.Decide([Chunk(0, ageSeconds: 59)], full: false, T0).Decision);
        Assert.Equal("idle flush (60 s without new data)", Planner.Decide([Chunk(0, ageSeconds: 60)], full: false, T0).Reason);
        // Busy stream: the newest chunk is fresh but the oldest has waited the roll time.
        Assert.Equal("roll time (300 s buffered)", Planner.Decide([Chunk(0, ageSeconds: 300), Chunk(1)], full: false, T0).Reason);
        Assert.Equal("flush requested", Planner.Decide([Chunk(0)], full: false, T0, flushNow: true).Reason);
    }
}
