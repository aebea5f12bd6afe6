using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Senders;

namespace Cpworker.Host.Recv.Output;

/// <summary>
/// Where decoded frames go: a pcapng file, rotating pcapng files, or an interface. Not thread-safe:
/// every call is made under <see cref="Gate"/>, by the listeners and by the once-a-second tick.
/// </summary>
internal interface IFrameSink : IDisposable
{
    /// <summary>The lock callers hold around every other call.</summary>
    object Gate { get; }

    /// <summary>Writes one frame; false when it could not be written (counted by the caller).</summary>
    bool Write(SenderEntry sender, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction);

    /// <summary>Called about once a second, also without traffic: flush, rotate.</summary>
    void Tick();
}
