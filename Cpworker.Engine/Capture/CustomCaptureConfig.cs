using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>A capture supplied in code instead of a <c>capturer</c> object: an application's <see cref="IPacketSource"/>.</summary>
public sealed record CustomCaptureConfig : CaptureConfig
{
    private readonly Func<PacketSource> _create;

    /// <summary>Uses the sources <paramref name="createSource"/> makes: a fresh one each time the task starts.</summary>
    public CustomCaptureConfig(Func<IPacketSource> createSource)
    {
        ArgumentNullException.ThrowIfNull(createSource);
        _create = () => new ExternalPacketSource(createSource(), IsReplay);
    }

    /// <summary>An engine-internal source (tests and built-in adapters).</summary>
    internal CustomCaptureConfig(Func<PacketSource> createSource)
    {
        _create = createSource;
    }

    /// <summary>
    /// True when the source ends (a replay): nothing is lost to congestion, and the engine's
    /// <see cref="Runtime.CpworkerEngine.ReplaysFinished"/> waits for it.
    /// </summary>
    public bool IsReplay { get; init; }

    /// <summary>A new, unopened source.</summary>
    internal PacketSource CreateSource() => _create();
}
