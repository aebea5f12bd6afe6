using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>Sources given in code (<see cref="CustomCaptureConfig"/>): an application's <see cref="IPacketSource"/> or an engine-internal one.</summary>
internal sealed class CustomSourceType : SourceType
{
    /// <inheritdoc/>
    public override string? Name => null;

    /// <inheritdoc/>
    public override bool Handles(CaptureConfig config) => config is CustomCaptureConfig;

    /// <inheritdoc/>
    public override bool IsReplay(CaptureConfig config) => ((CustomCaptureConfig)config).IsReplay;

    /// <inheritdoc/>
    public override PacketSource Create(CaptureConfig config, SourceContext context) => ((CustomCaptureConfig)config).CreateSource();
}
