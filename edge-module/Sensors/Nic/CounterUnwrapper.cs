namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Turns a hardware counter that wraps or resets into a monotonic 64-bit value, so that every consumer can compute a
/// rate as (value₂ − value₁)/(t₂ − t₁) and never see it go negative. Rule: when the raw value decreases it either
/// wrapped (a 32-bit counter: configured, or — when the width is not configured — last value ≥ 2³¹ and never above
/// 2³²−1) and 2³² is added, or it was reset (driver reload, interface re-created) and the value continues from the
/// last one (the rate over that interval counts only what came after the reset) and <see cref="Resets"/> grows.
/// </summary>
/// <param name="width">32 or 64 bits, or null to detect (a value above 2³²−1 proves 64).</param>
public sealed class CounterUnwrapper(int? width = null)
{
    private const long Wrap32 = 1L << 32;
    private long _offset;
    private long? _last;
    private bool _over32 = width == 64;

    /// <summary>Resets seen so far.</summary>
    public long Resets { get; private set; }

    /// <summary>The monotonic value for the next raw reading (non-negative).</summary>
    public long Next(long raw)
    {
        if (raw >= Wrap32) _over32 = true;
        if (_last is { } last && raw < last)
        {
            var wrapped = width == 32 || (width is null && !_over32 && last >= Wrap32 / 2);
            if (wrapped) _offset += Wrap32;
            else
            {
                _offset += last;
                Resets++;
            }
        }
        _last = raw;
        return _offset + raw;
    }
}
