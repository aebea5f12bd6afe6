using Cpworker.Engine.Configuration;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// The per-output part of the packet path that every output shares: direction filter → slice →
/// rate limit → the output's encoder, with the packet-side counters. Knows nothing of threads.
/// </summary>
internal sealed class OutputStage
{
    /// <summary>Frames shorter than an Ethernet header are captured but handed to no output.</summary>
    public const int MinFrameLength = 14;

    private readonly OutputEncoder _encoder;
    private readonly OutputCounters.PacketSide _counters;
    private readonly TokenBucket? _rateLimit;
    private readonly int _slice;
    private readonly ILogger _logger;
    private readonly LogThrottle _failureLog;
    private readonly LogThrottle _refusalLog;

    /// <summary>Packets the encoder refused, and how many of them a log line has reported (owned by the stage's thread).</summary>
    private long _refused;
    private long _refusedReported;

    /// <summary>Where accepted packets are settled at once when the encoder never sends them (<c>null</c>); null otherwise.</summary>
    private readonly OutputCounters.SenderSide? _settleOnAccept;

    /// <summary>Creates the stage for one output.</summary>
    public OutputStage(OutputContext context, OutputParts parts)
    {
        Context = context;
        Parts = parts;
        parts.Transport.SettleInto(context.Counters.Sender);
        _encoder = parts.Encoder;
        _counters = context.Counters.Packet;
        _settleOnAccept = parts.Encoder.SettlesOnAccept ? context.Counters.Sender : null;
        _slice = context.Config.Slice;
        _rateLimit = context.Config.RateLimitMbps > 0 ? new TokenBucket(context.Config.RateLimitMbps) : null;
        _logger = context.Logger;
        _failureLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _refusalLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
    }

    /// <summary>The output's context (config, counters, logger).</summary>
    public OutputContext Context { get; }

    /// <summary>The encoder and transport this stage feeds.</summary>
    public OutputParts Parts { get; }

    /// <summary>The output's configuration.</summary>
    public OutputConfig Config => Context.Config;

    /// <summary>Runs every packet of the batch through this output. The batch stays the caller's.</summary>
    public void Process(PacketBatch batch)
    {
        int i = 0;
        try
        {
            for (; i < batch.Count; i++)
            {
                ref PacketDescriptor d = ref batch[i];
                if (d.CaptureLength < MinFrameLength)
                {
                    continue;
                }

                ReadOnlySpan<byte> frame = batch.Frame(i);
                // slice 0 keeps every byte, whatever the output (SliceLength's contract): no virtual call per packet.
                int length = _slice == 0 ? frame.Length : _encoder.SliceLength(frame, _slice);
                if (d.Direction == PacketDirection.Unknown)
                {
                    _counters.DirectionDropPackets++;
                    _counters.DirectionDropBytes += length;
                    continue;
                }

                if (_rateLimit is not null && !_rateLimit.TryConsume(length, d.TimestampNanos))
                {
                    _counters.RateLimitDropPackets++;
                    _counters.RateLimitDropBytes += length;
                    continue;
                }

                if (_encoder.Encode(new Packet(frame[..length], d.OriginalLength, d.TimestampNanos, d.Direction)))
                {
                    _counters.AcceptedPackets++;
                    _counters.AcceptedBytes += length;
                    if (_settleOnAccept is not null)
                    {
                        _settleOnAccept.ForwardedPackets++;
                        _settleOnAccept.ForwardedBytes += length;
                    }
                }
                else
                {
                    _counters.ErrorPackets++;
                    _counters.ErrorBytes += length;
                    _refused++; // reported by Tick, off the packet path
                }
            }

            _encoder.EndOfBatch();
        }
        catch (Exception ex)
        {
            // An output that throws loses the rest of this batch, counted; the task and the other outputs carry on.
            for (; i < batch.Count; i++)
            {
                int length = batch[i].CaptureLength;
                if (length >= MinFrameLength)
                {
                    _counters.ErrorPackets++;
                    _counters.ErrorBytes += _slice > 0 && _slice < length ? _slice : length;
                }
            }

            if (_failureLog.ShouldLog())
            {
                OutputLog.OutputFailed(_logger, ex, Context.DisplayName, ex.Message);
            }
        }
    }

    /// <summary>Periodic work of the encoder (time-based flush, heartbeat).</summary>
    public void Tick()
    {
        ReportRefusals(atStop: false);
        try
        {
            _encoder.OnTick();
        }
        catch (Exception ex) when (_failureLog.ShouldLog())
        {
            OutputLog.OutputFailed(_logger, ex, Context.DisplayName, ex.Message);
        }
        catch
        {
            // Logged at most once a minute (above).
        }
    }

    /// <summary>
    /// Says that packets were refused by the encoder, so that no loss is silent: the first refusal at
    /// once (its own allowance, apart from failures), then at most once a minute with the count since,
    /// and what is left unreported when the task stops.
    /// </summary>
    private void ReportRefusals(bool atStop)
    {
        long unreported = _refused - _refusedReported;
        if (unreported > 0 && (atStop || _refusalLog.ShouldLog()))
        {
            _refusedReported = _refused;
            OutputLog.EncoderRefused(_logger, Context.DisplayName, unreported);
        }
    }

    /// <summary>Submits everything the encoder still holds (task stop).</summary>
    public void Flush()
    {
        ReportRefusals(atStop: true);
        try
        {
            _encoder.Flush();
        }
        catch (Exception ex)
        {
            OutputLog.FlushFailed(_logger, ex, Context.DisplayName, ex.Message);
        }
    }
}
