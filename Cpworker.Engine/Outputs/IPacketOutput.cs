namespace Cpworker.Engine.Outputs;

/// <summary>
/// An output written by an embedding application: it receives batches of packets, with their
/// direction and capture time, after the output's direction filter, <c>slice</c> and
/// <c>rate_limit_mbps</c> have been applied.
/// </summary>
/// <remarks>
/// <para>
/// The engine calls <see cref="Write"/> on a thread of its own for this output, never on a capture
/// thread, one call at a time. It must not block for long: while it is busy, packets queue up in a
/// bounded buffer, and once that is full the output loses packets (counted as error drops); the
/// capture and every other output carry on unaffected.
/// </para>
/// <para>
/// An exception from <see cref="Write"/> loses that batch (counted as error drops and logged) and
/// the output keeps receiving the next ones. <see cref="IDisposable.Dispose"/> is called once, on
/// the same thread, when the task stops.
/// </para>
/// </remarks>
public interface IPacketOutput : IDisposable
{
    /// <summary>Receives the next packets in capture order. The packets' memory is only valid during the call.</summary>
    void Write(in PacketBatchView batch);
}
