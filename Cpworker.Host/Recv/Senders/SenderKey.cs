namespace Cpworker.Host.Recv.Senders;

/// <summary>
/// What tells two streams of one listener apart: the sender's address and port (GRE: port 0; ZMQ:
/// none, the batch UUID names the probe), the tag (service tag / VNI), and whether a tag was read
/// at all (malformed datagrams are counted under their sender without one).
/// </summary>
internal readonly record struct SenderKey(UInt128 Address, ushort Port, byte Family, uint Tag, UInt128 Uuid, bool HasTag);
