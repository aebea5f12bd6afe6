using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// The <c>rotating_file</c> encoder: a <see cref="PcapFileEncoder"/> that also ends a buffer when a
/// rotation boundary passes, so that packets encoded before the boundary reach the old file and
/// packets after it the new one (to within one batch).
/// </summary>
/// <remarks>Runs on the encoder's thread; reads the wall clock once per batch, not per packet.</remarks>
internal sealed class RotatingFileEncoder : PcapFileEncoder
{
    private readonly RotationSchedule _schedule;

    /// <summary>The rotation period of the current buffer's first record.</summary>
    private long _bufferPeriod;

    /// <summary>Creates the encoder; <c>rotating_file</c> always writes microsecond timestamps.</summary>
    public RotatingFileEncoder(TimeProvider time, int snaplen, RotationSchedule schedule)
        : base(time, nanosecond: false, snaplen)
    {
        _schedule = schedule;
    }

    /// <inheritdoc/>
    protected override void OnFirstRecord()
    {
        if (_schedule.Rotates)
        {
            _bufferPeriod = _schedule.CurrentPeriodStart();
        }
    }

    /// <inheritdoc/>
    protected override bool MustEnd() => _schedule.Rotates && _schedule.CurrentPeriodStart() > _bufferPeriod;
}
