using Microsoft.Win32.SafeHandles;

namespace Cpworker.Outputs.Common;

/// <summary>
/// One pcap file being written: a handle, its path and how many bytes of it are whole records.
/// Writes go straight to the kernel (<c>pwrite</c>, one call per buffer), with no managed buffering.
/// </summary>
/// <remarks>Used by one transport thread at a time. Never truncates an existing file: it only creates new ones.</remarks>
internal sealed class PcapFileWriter : IDisposable
{
    private readonly SafeFileHandle _handle;

    private PcapFileWriter(string path, SafeFileHandle handle, long length)
    {
        Path = path;
        _handle = handle;
        Length = length;
    }

    /// <summary>Where the file was created.</summary>
    public string Path { get; }

    /// <summary>Bytes written: the global header and whole records only.</summary>
    public long Length { get; private set; }

    /// <summary>Records written.</summary>
    public long Packets { get; private set; }

    /// <summary>
    /// Creates <paramref name="path"/>, which must not exist, and writes <paramref name="globalHeader"/>.
    /// When the header cannot be written the new file is removed again.
    /// </summary>
    /// <exception cref="IOException">The file exists, the directory is missing, the disk is full …</exception>
    /// <exception cref="UnauthorizedAccessException">No permission.</exception>
    public static PcapFileWriter CreateNew(string path, ReadOnlySpan<byte> globalHeader)
    {
        // Readers (tcpdump -r on a growing file) may open it meanwhile.
        SafeFileHandle handle = System.IO.File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        try
        {
            RandomAccess.Write(handle, globalHeader, 0);
        }
        catch
        {
            handle.Dispose();
            TryDelete(path);
            throw;
        }

        return new PcapFileWriter(path, handle, globalHeader.Length);
    }

    /// <summary>
    /// Appends whole records. On failure the file is cut back to its last whole record (a partial
    /// write, as on a full disk, would otherwise leave a record that readers report as truncated)
    /// and the exception propagates.
    /// </summary>
    public void Append(ReadOnlySpan<byte> records, int packets)
    {
        try
        {
            RandomAccess.Write(_handle, records, Length);
        }
        catch
        {
            try
            {
                RandomAccess.SetLength(_handle, Length);
            }
            catch (IOException)
            {
                // Best effort: the file stays as the kernel left it.
            }

            throw;
        }

        Length += records.Length;
        Packets += packets;
    }

    /// <summary>
    /// False when the file is no longer at <see cref="Path"/> (removed, alone or with its
    /// directory, or moved away): what is written to the handle then reaches no one.
    /// </summary>
    public bool IsStillAtPath() => System.IO.File.Exists(Path);

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the caller reports the original failure.
        }
    }
}
