using Cpworker.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Capture;

/// <summary>
/// <c>"reader": "auto"</c> with a block timeout: at <see cref="Open"/>, the ring reader when the
/// interface is Ethernet or loopback (looked up in the task's netns), else libpcap, which handles
/// every other link type. Everything else goes to the chosen source.
/// </summary>
/// <remarks>Owned by the task's capture thread, like the source it wraps.</remarks>
internal sealed class AutoCaptureSource : PacketSource
{
    private readonly LibpcapCaptureConfig _config;
    private readonly string? _loopGuard;
    private readonly ILogger _logger;
    private readonly string _task;
    private readonly FanoutGroup? _fanout;

    /// <summary>The source chosen at <see cref="Open"/>; null before.</summary>
    private PacketSource? _inner;

    /// <summary>Creates the source; the choice is made at <see cref="Open"/>.</summary>
    public AutoCaptureSource(LibpcapCaptureConfig config, string? loopGuard, ILogger logger, string taskName, FanoutGroup? fanout)
    {
        _config = config;
        _loopGuard = loopGuard;
        _logger = logger;
        _task = taskName;
        _fanout = fanout;
    }

    /// <summary>The chosen source (null before <see cref="Open"/>); for tests.</summary>
    internal PacketSource? Inner => _inner;

    /// <inheritdoc/>
    public override int MaxFrameLength => Chosen.MaxFrameLength;

    private PacketSource Chosen => _inner ?? throw new InvalidOperationException("the capture is not open");

    /// <inheritdoc/>
    public override void Open()
    {
        if (_inner is null)
        {
            bool ring;
            using (NetworkNamespace.Enter(_config.NetnsReference))
            {
                ring = RingCaptureSource.Supports(_config.Interface);
            }

            _inner = ring
                ? new RingCaptureSource(_config, _loopGuard, _logger, _task, _fanout)
                : new LiveCaptureSource(_config, _loopGuard, _logger, _task, _fanout);
        }

        _inner.Open();
    }

    /// <inheritdoc/>
    public override SourceStatus Fill(Packets.PacketBatch batch, int timeoutMs) => Chosen.Fill(batch, timeoutMs);

    /// <inheritdoc/>
    public override string? CheckNamespace() => _inner?.CheckNamespace();

    /// <inheritdoc/>
    public override InterfaceInfo? ResolveInterface(string name) => _inner is null ? base.ResolveInterface(name) : _inner.ResolveInterface(name);

    /// <inheritdoc/>
    public override KernelCaptureStats ReadKernelStats() => _inner?.ReadKernelStats() ?? default;

    /// <inheritdoc/>
    public override void BeginDelivery() => _inner?.BeginDelivery();

    /// <inheritdoc/>
    public override void SetFilter(string? filter) => Chosen.SetFilter(filter);

    /// <inheritdoc/>
    public override void Dispose()
    {
        _inner?.Dispose();
        base.Dispose();
    }
}
