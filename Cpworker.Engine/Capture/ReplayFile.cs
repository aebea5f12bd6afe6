using System.Buffers.Binary;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Interop;
using Microsoft.Win32.SafeHandles;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Opening a replay file without ever blocking, and telling a file that can never be replayed (not a
/// regular file, empty, not a pcap or pcapng file, an unsupported link type) from one that may still
/// appear: the former is a permanent <see cref="CaptureException"/> (docs/operations.md, "Task failures").
/// </summary>
internal static class ReplayFile
{
    /// <summary>Bytes <see cref="Check"/> reads: a pcap header, or a pcapng section header and the first interfaces.</summary>
    private const int ProbeBytes = 64 * 1024;

    /// <summary>
    /// Opens <paramref name="path"/> for reading. What is not a regular file (a FIFO would block in
    /// open, a directory or device can never be a capture) is refused, permanently, before opening;
    /// a missing or unreadable file is a transient failure.
    /// </summary>
    public static SafeFileHandle Open(string path)
    {
        if (NotRegular(path) is { } kind)
        {
            throw new CaptureException($"{path} is {kind}, not a regular file: it cannot be replayed", permanent: true);
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException($"cannot open pcap file {path}: {PathErrors.Describe(ex, path)}", ex);
        }
    }

    /// <summary>What <paramref name="path"/> is when it exists and is not a regular file (<c>"a directory"</c>); null otherwise.</summary>
    public static string? NotRegular(string path) => LibC.FileType(path) switch
    {
        LibC.DirectoryFile => "a directory",
        LibC.FifoFile => "a named pipe (FIFO)",
        LibC.CharacterDeviceFile => "a character device",
        LibC.BlockDeviceFile => "a block device",
        LibC.SocketFile => "a socket",
        < 0 or LibC.RegularFile => null,
        int other => $"a special file (type 0x{other:x})",
    };

    /// <summary>True when <paramref name="head"/> starts with a pcapng section header block.</summary>
    public static bool IsPcapng(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == PcapngReader.SectionHeaderType;

    /// <summary>
    /// Checks that <paramref name="path"/> can be replayed: a regular file that opens and starts
    /// with a pcap header, or a pcapng section with a first interface, of a supported link type.
    /// Never blocks. Null when it can; else what is wrong, naming the file.
    /// </summary>
    public static string? Check(string path)
    {
        try
        {
            using SafeFileHandle file = Open(path);
            byte[] head = new byte[ProbeBytes];
            int n = RandomAccess.Read(file, head, 0);
            CheckHeader(head.AsSpan(0, n), path);
            return null;
        }
        catch (CaptureException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return $"cannot read pcap file {path}: {PathErrors.Describe(ex, path)}";
        }
    }

    /// <summary>
    /// Checks the start of a replay file; throws a permanent <see cref="CaptureException"/> naming
    /// what is wrong. Returns the classic header, or null for pcapng (whose first interface was checked).
    /// </summary>
    public static PcapFileHeader? CheckHeader(ReadOnlySpan<byte> head, string path)
    {
        if (!IsPcapng(head))
        {
            PcapFileHeader header = PcapFileHeader.Parse(head, path);
            if (!LinkTypeNormalizer.IsSupported(header.LinkType))
            {
                throw new CaptureException($"{path}: link type {header.LinkType} is not supported", permanent: true);
            }

            return header;
        }

        var reader = new PcapngReader();
        int offset = 0;
        while (true)
        {
            PcapngStep step = reader.Next(head[offset..], out long length, out _, out string? damage);
            switch (step)
            {
                case PcapngStep.Damaged:
                    throw new CaptureException($"{path} is not a usable pcapng file: {damage} (at offset {offset})", permanent: true);
                case PcapngStep.Interface or PcapngStep.Packet:
                    return null;
                case PcapngStep.NeedMore:
                    if (offset == 0 && head.Length < 12)
                    {
                        throw new CaptureException($"{path} is not a pcapng file: {head.Length} bytes, shorter than a section header", permanent: true);
                    }

                    // A file (or the probe) ending before an interface: the replay would deliver nothing.
                    throw new CaptureException($"{path}: no pcapng interface description in its first {head.Length} bytes", permanent: true);
                default:
                    if (length > head.Length - offset)
                    {
                        throw new CaptureException($"{path}: no pcapng interface description in its first {head.Length} bytes", permanent: true);
                    }

                    offset += (int)length;
                    break;
            }
        }
    }
}
