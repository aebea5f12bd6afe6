using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>Runs an application's <see cref="IPacketSource"/> as a task's source.</summary>
internal sealed class ExternalPacketSource : PacketSource
{
    private readonly IPacketSource _source;
    private readonly bool _replay;

    /// <summary>Wraps <paramref name="source"/>; <paramref name="replay"/> makes it lossless and expected to end.</summary>
    public ExternalPacketSource(IPacketSource source, bool replay)
    {
        _source = source;
        _replay = replay;
    }

    /// <inheritdoc/>
    public override int MaxFrameLength => LibpcapCaptureConfig.MaxSnaplen;

    /// <inheritdoc/>
    public override bool IsLossless => _replay;

    /// <inheritdoc/>
    public override void Open()
    {
        try
        {
            _source.Open();
        }
        catch (Exception ex) when (ex is not CaptureException)
        {
            throw new CaptureException($"the packet source failed to open: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        bool more;
        try
        {
            more = _source.Read(new PacketWriter(batch), TimeSpan.FromMilliseconds(timeoutMs));
        }
        catch (Exception ex) when (ex is not CaptureException)
        {
            throw new CaptureException($"the packet source failed: {ex.Message}", ex);
        }

        return more ? SourceStatus.Active : SourceStatus.EndOfInput;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _source.Dispose();
        base.Dispose();
    }
}
