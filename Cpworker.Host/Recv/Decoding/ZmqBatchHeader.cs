namespace Cpworker.Host.Recv.Decoding;

/// <summary>The 24-byte header of a ZMQ batch (docs/wire-formats.md#zeromq).</summary>
/// <param name="RecordCount">Records that follow.</param>
/// <param name="ServiceTag">The sender's <c>service_tag</c>, all 32 bits.</param>
/// <param name="Uuid">The probe UUID as a big-endian number (0 when unset).</param>
internal readonly record struct ZmqBatchHeader(int RecordCount, uint ServiceTag, UInt128 Uuid)
{
    /// <summary>Bytes of the header.</summary>
    public const int Length = 24;

    /// <summary>The only batch version our encoder writes.</summary>
    public const ushort Version = 2;

    /// <summary>The UUID in its usual text form (8-4-4-4-12 hex digits).</summary>
    public string UuidText() => FormatUuid(Uuid);

    /// <summary><paramref name="uuid"/> in its usual text form (8-4-4-4-12 hex digits).</summary>
    public static string FormatUuid(UInt128 uuid)
    {
        string hex = uuid.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
