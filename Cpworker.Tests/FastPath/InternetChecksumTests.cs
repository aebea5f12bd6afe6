using System.Buffers.Binary;
using Cpworker.Outputs.Vxlan;

namespace Cpworker.Tests.FastPath;

/// <summary>
/// The one's-complement sum (vectorised for 64 bytes and more) against RFC 1071 done the plain way: big-endian
/// 16-bit words, an odd last byte padded with zero, for every length around the vector and scalar steps.
/// </summary>
public sealed class InternetChecksumTests
{
    private static ulong Reference(ulong sum, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i += 2)
        {
            sum += i + 1 < data.Length ? BinaryPrimitives.ReadUInt16BigEndian(data[i..]) : (ulong)data[i] << 8;
        }

        return sum;
    }

    [Test]
    public void EveryLengthAndAlignmentSumsAsRfc1071()
    {
        var random = new Random(1071);
        byte[] buffer = new byte[9100];
        for (int length = 0; length <= 9000; length += length < 300 ? 1 : 97)
        {
            random.NextBytes(buffer);
            int offset = random.Next(0, 64);
            ulong start = (ulong)random.Next(0, 1 << 20);
            ReadOnlySpan<byte> data = buffer.AsSpan(offset, length);
            Assert.That(InternetChecksum.Finish(InternetChecksum.Add(start, data)), Is.EqualTo(InternetChecksum.Finish(Reference(start, data))), $"length {length}, offset {offset}");
        }
    }

    [Test]
    public void AllOnesAtJumboLengthDoesNotOverflow()
    {
        byte[] ones = Enumerable.Repeat((byte)0xFF, 9000).ToArray();
        Assert.That(InternetChecksum.Finish(InternetChecksum.Add(0xFFFF_FFFF, ones)), Is.EqualTo(InternetChecksum.Finish(Reference(0xFFFF_FFFF, ones))));
    }
}
