using Cpworker.Benchmarks.Generation;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>One input frame and what the daemon's classifier says about it.</summary>
internal sealed record InputFrame(byte[] Data, long TimestampNanos, PacketDirection Direction);

/// <summary>
/// The varied capture of the round-trip tests: the benchmark mix (TCP/UDP over IPv4 and IPv6, 64 to
/// 1500 bytes), some of it behind an 802.1Q tag or a QinQ stack, and frames under 14 bytes;
/// nanosecond timestamps that are not whole microseconds. Directions come from the real classifier
/// with <see cref="Pattern"/> (some flows match neither side: unknown, never sent).
/// </summary>
internal static class RoundTripCapture
{
    /// <summary>The service side: the benchmark mix's server ports except 40000/40002.</summary>
    public const string Pattern = "port 443 or port 5201 or port 8443 or port 9443 or port 5004 or port 5006";

    /// <summary>Writes the capture as a nanosecond pcap file at <paramref name="path"/> and returns its frames.</summary>
    public static List<InputFrame> Write(string path, int count = 1200)
    {
        using var mix = new MemoryStream();
        MixedCaptureGenerator.Write(mix, count, seed: 11);
        IReadOnlyList<PcapRecord> records = PcapFileReader.Parse(mix.ToArray()).Records;
        IDirectionClassifier classifier = DirectionClassifierFactory.Create(new CustomDirectionConfig(Pattern), null, _ => null)!;
        var pcap = new PcapBuilder(snaplen: 65535, nanosecond: true);
        var frames = new List<InputFrame>();
        long ts = 1_750_000_000_000_000_000;
        for (int i = 0; i < records.Count; i++)
        {
            byte[] f = records[i].Data;
            f = (i % 7) switch
            {
                3 => Tagged(f, [0x81, 0x00, 0x00, 0x64]),
                5 => Tagged(f, [0x88, 0xA8, 0x00, 0x0A, 0x81, 0x00, 0x00, 0xC8]),
                _ => f,
            };
            if (i % 101 == 50)
            {
                f = f[..10]; // under 14 bytes: counted as captured, never sent
            }

            ts += 1_000 + (i % 997);
            pcap.Add(f, ts);
            PacketDirection d = f.Length < 14 ? PacketDirection.Unknown : classifier.Classify(f);
            frames.Add(new InputFrame(f, ts, d));
        }

        pcap.WriteTo(path);
        return frames;
    }

    private static byte[] Tagged(byte[] frame, byte[] tags) => [.. frame.AsSpan(0, 12), .. tags, .. frame.AsSpan(12)];
}
