using System.Buffers.Binary;

namespace Cpworker.Benchmarks.Generation;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its seed on every platform and .NET
/// version (unlike <see cref="Random"/>, whose algorithm is not a contract), so generated captures
/// stay byte-identical across machines and years.
/// </summary>
internal struct DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts the sequence of <paramref name="seed"/>.</summary>
    public DeterministicRandom(long seed) => _state = (ulong)seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minInclusive, int maxExclusive)
    {
        ulong range = (ulong)(maxExclusive - minInclusive);
        return minInclusive + (int)(((NextUInt64() >> 32) * range) >> 32);
    }

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public void Fill(Span<byte> destination)
    {
        while (destination.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, NextUInt64());
            destination = destination[8..];
        }

        if (destination.Length > 0)
        {
            ulong last = NextUInt64();
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (byte)(last >> (8 * i));
            }
        }
    }
}
