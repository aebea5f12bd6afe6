namespace Cpworker.Engine.Capture;

/// <summary>
/// A source of packets written by an embedding application (a generator, a ring of its own, a
/// file format cpworker does not read). Plug it into a task with <see cref="CustomCaptureConfig"/>.
/// </summary>
/// <remarks>
/// Every member is called on the task's own capture thread, one call at a time. A new instance is
/// created each time the task starts (also after a failure), and disposed when it stops.
/// </remarks>
public interface IPacketSource : IDisposable
{
    /// <summary>Opens the source. An exception fails the task start; the engine retries every 5 s.</summary>
    void Open();

    /// <summary>
    /// Writes the packets that are ready into <paramref name="writer"/>, waiting at most
    /// <paramref name="timeout"/> for the first. Stop writing when <see cref="PacketWriter.TryWrite"/>
    /// returns false and keep that packet for the next call. Return false once the source has
    /// no more packets (a finished replay); an exception fails the task, which is then retried.
    /// </summary>
    bool Read(PacketWriter writer, TimeSpan timeout);
}
