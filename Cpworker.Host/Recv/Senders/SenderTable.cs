using System.Buffers.Binary;
using System.Net;
using Cpworker.Host.Recv.Decoding;

namespace Cpworker.Host.Recv.Senders;

/// <summary>
/// The senders one listener has seen. Used by the listener's thread only (lookups); readers take
/// <see cref="Snapshot"/>. A lookup of a known sender allocates nothing; at most
/// <see cref="MaxSenders"/> entries are made, further senders share one overflow entry.
/// </summary>
internal sealed class SenderTable
{
    /// <summary>Most distinct sender+tag entries per listener.</summary>
    public const int MaxSenders = 4096;

    private readonly string _listener;
    private readonly Func<uint, string> _tagText;
    private readonly object _gate = new();
    private SenderEntry[] _entries = new SenderEntry[16];
    private int _count;
    private SenderEntry? _last;
    private SenderEntry? _overflow;

    /// <summary>Creates the table of listener <paramref name="listener"/>; <paramref name="tagText"/> names a tag.</summary>
    public SenderTable(string listener, Func<uint, string> tagText)
    {
        _listener = listener;
        _tagText = tagText;
    }

    /// <summary>The entry of a datagram's sender, from its <c>sockaddr</c> bytes (AF_INET or AF_INET6).</summary>
    public SenderEntry Find(ReadOnlySpan<byte> sockaddr, uint tag, bool hasTag, bool withPort) =>
        Find(KeyOf(sockaddr, tag, hasTag, withPort));

    /// <summary>The entry of a ZMQ batch: its UUID and service tag.</summary>
    public SenderEntry FindBatch(UInt128 uuid, uint tag, bool hasTag) => Find(new SenderKey(0, 0, 0, tag, uuid, hasTag));

    /// <summary>The entries so far (any thread).</summary>
    public SenderEntry[] Snapshot()
    {
        lock (_gate)
        {
            var list = new List<SenderEntry>(_entries.AsSpan(0, _count).ToArray());
            if (_overflow is not null)
            {
                list.Add(_overflow);
            }

            return list.ToArray();
        }
    }

    private SenderEntry Find(SenderKey key)
    {
        if (_last is not null && _last.Key == key)
        {
            return _last;
        }

        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Key == key)
            {
                return _last = _entries[i];
            }
        }

        return _last = Add(key);
    }

    private SenderEntry Add(SenderKey key)
    {
        lock (_gate)
        {
            if (_count == MaxSenders)
            {
                return _overflow ??= new SenderEntry(default, _listener, "other senders", "", $"{_listener} from other senders");
            }

            string sender = key.Family == 0 ? $"uuid {ZmqBatchHeader.FormatUuid(key.Uuid)}" : AddressText(key);
            string tag = key.HasTag ? _tagText(key.Tag) : "";
            string name = tag.Length == 0 ? $"{_listener} from {sender}" : $"{_listener} from {sender} {tag}";
            var entry = new SenderEntry(key, _listener, sender, tag, name);
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count * 2);
            }

            _entries[_count++] = entry;
            return entry;
        }
    }

    private static SenderKey KeyOf(ReadOnlySpan<byte> sockaddr, uint tag, bool hasTag, bool withPort)
    {
        ushort family = sockaddr.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(sockaddr) : (ushort)0;
        ushort port = withPort && sockaddr.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]) : (ushort)0;
        UInt128 address = family switch
        {
            2 when sockaddr.Length >= 8 => BinaryPrimitives.ReadUInt32BigEndian(sockaddr[4..]),
            10 when sockaddr.Length >= 24 => BinaryPrimitives.ReadUInt128BigEndian(sockaddr[8..]),
            _ => 0,
        };
        return new SenderKey(address, port, family == 10 ? (byte)6 : (byte)4, tag, 0, hasTag);
    }

    private static string AddressText(SenderKey key)
    {
        byte[] bytes = new byte[key.Family == 6 ? 16 : 4];
        if (key.Family == 6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, key.Address);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)key.Address);
        }

        var ip = new IPAddress(bytes);
        return key.Port == 0 ? ip.ToString() : new IPEndPoint(ip, key.Port).ToString();
    }
}
