namespace Cpworker.Tests.Files;

/// <summary>A frame to feed an output, with its capture time and wire length.</summary>
internal sealed record TestPacket(byte[] Frame, long TimestampNanos, int OriginalLength)
{
    /// <summary>A packet whose wire length is its frame's.</summary>
    public TestPacket(byte[] frame, long timestampNanos) : this(frame, timestampNanos, frame.Length)
    {
    }

    /// <summary>
    /// <paramref name="count"/> Ethernet frames of random lengths between
    /// <paramref name="minLength"/> and <paramref name="maxLength"/>, 1 µs + 1 ns apart from
    /// <paramref name="startNanos"/> (so microsecond files drop the nanoseconds).
    /// </summary>
    public static List<TestPacket> Random(int count, int seed, int minLength = 14, int maxLength = 1514, long startNanos = 1_700_000_000_123_456_789)
    {
        var random = new Random(seed);
        var packets = new List<TestPacket>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] frame = new byte[random.Next(minLength, maxLength + 1)];
            random.NextBytes(frame);
            if (frame.Length >= 14)
            {
                frame[12] = 0x88; // EtherType 0x88B5 (local experimental): decoders print one plain line per packet
                frame[13] = 0xB5;
            }
            packets.Add(new TestPacket(frame, startNanos + i * 1001L));
        }

        return packets;
    }
}
