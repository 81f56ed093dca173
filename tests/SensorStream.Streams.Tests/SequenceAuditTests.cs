using SensorStream.Streams.Verification;

namespace SensorStream.Streams.Tests;

public class SequenceAuditTests
{
    [Fact]
    public void Contiguous_batches_in_any_order_are_clean()
    {
        var audit = new SequenceAudit();
        audit.Add("a", 100, 50);
        audit.Add("a", 0, 100);
        audit.Add("b", 7, 3);
        audit.Add("a", 150, 1);
        Assert.True(audit.Clean);
        Assert.Equal(154, audit.Samples);
        var a = audit.Sensors.Single(s => s.SensorId == "a");
        Assert.Equal((0L, 150L, 0L), (a.FirstSequence, a.LastSequence, a.MissingSamples));
    }

    [Fact]
    public void Counts_overlapping_samples_as_duplicates()
    {
        var audit = new SequenceAudit();
        audit.Add("a", 0, 100);
        audit.Add("a", 90, 20);   // 10 duplicates
        audit.Add("a", 50, 1);    // 1 duplicate
        audit.Add("a", 200, 10);
        audit.Add("a", 95, 110);  // overlaps [95,110) = 15 and [200,205) = 5 duplicates
        Assert.Equal(31, audit.Duplicates);
        Assert.Equal(0, audit.MissingSamples);
    }

    [Fact]
    public void Counts_missing_samples_between_first_and_last()
    {
        var audit = new SequenceAudit();
        audit.Add("a", 0, 10);
        audit.Add("a", 15, 5);
        audit.Add("a", 30, 1);
        var a = Assert.Single(audit.Sensors);
        Assert.Equal(5 + 10, a.MissingSamples);
        Assert.Equal(2, a.Holes);
        Assert.False(audit.Clean);
    }

    [Fact]
    public void Compares_sample_sets()
    {
        var byEvent = new SequenceAudit();
        byEvent.Add("a", 0, 3);
        var byRow = new SequenceAudit();
        foreach (var s in new[] { 2L, 0, 1 }) byRow.Add("a", s);
        Assert.True(byEvent.SameSamplesAs(byRow));
        byRow.Add("a", 3);
        Assert.False(byEvent.SameSamplesAs(byRow));
    }
}
