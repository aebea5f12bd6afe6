using Cpworker.Engine.Packets;

namespace Cpworker.Host.Recv.Senders;

/// <summary>
/// One sender+tag of a listener and its counters. Counters are written by the listener's thread
/// only and read by others with <see cref="Volatile.Read(ref long)"/>.
/// </summary>
internal sealed class SenderEntry
{
    /// <summary>Creates an entry; <paramref name="name"/> becomes the pcapng interface name.</summary>
    public SenderEntry(SenderKey key, string listener, string sender, string tag, string name)
    {
        Key = key;
        Listener = listener;
        Sender = sender;
        TagText = tag;
        Name = name;
    }

    /// <summary>The key it was found under.</summary>
    public SenderKey Key { get; }

    /// <summary>The listener, e.g. <c>vxlan 127.0.0.1:4789</c>.</summary>
    public string Listener { get; }

    /// <summary>The sender: an address, <c>ADDR:PORT</c>, or <c>uuid …</c> for ZMQ.</summary>
    public string Sender { get; }

    /// <summary>The tag as text (<c>vni1 0x1a2</c>, <c>key 0x22</c>, <c>tag 3</c>), empty when none was read.</summary>
    public string TagText { get; }

    /// <summary>The pcapng interface name: listener, sender and tag.</summary>
    public string Name { get; }

    /// <summary>Frames decoded (heartbeats not included).</summary>
    public long Packets;

    /// <summary>Bytes of decoded frames.</summary>
    public long Bytes;

    /// <summary>Frames of direction 1 (incoming, request).</summary>
    public long Incoming;

    /// <summary>Frames of direction 2 (outgoing, response).</summary>
    public long Outgoing;

    /// <summary>ZMQ frames kept with their tag: the original EtherType could not be inferred.</summary>
    public long KeptWithTag;

    /// <summary>ZMQ heartbeat records.</summary>
    public long Heartbeats;

    /// <summary>Datagrams, batches or records of this sender that were not ours and were skipped.</summary>
    public long Malformed;

    /// <summary>Frames the sink could not take (an interface refused them).</summary>
    public long SinkErrors;

    /// <summary>The pcapng interface id of this entry in the file of <see cref="FileGeneration"/>; owned by the sink (under its lock).</summary>
    public int InterfaceId = -1;

    /// <summary>Which file <see cref="InterfaceId"/> belongs to; owned by the sink (under its lock).</summary>
    public long FileGeneration = -1;

    /// <summary>Counts one decoded frame (listener thread).</summary>
    public void Count(int length, PacketDirection direction)
    {
        Packets++;
        Bytes += length;
        if (direction == PacketDirection.Incoming)
        {
            Incoming++;
        }
        else if (direction == PacketDirection.Outgoing)
        {
            Outgoing++;
        }
    }
}
