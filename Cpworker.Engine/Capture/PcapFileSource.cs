using Cpworker.Engine.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Replays a classic pcap or a pcapng file (<c>capturer.pcap_file</c>) with a managed reader. For
/// classic pcap, blocks of records
/// are read straight into the batch's data and the frames are described where they lie, so a
/// frame is never copied on the way in. A BPF filter runs per frame with
/// <c>pcap_offline_filter</c>; non-Ethernet frames get their Ethernet header in place (the record
/// header in front of each frame leaves room for it).
/// </summary>
/// <remarks>
/// <para>Owned by the task's capture thread: every member is called on it.</para>
/// <para>
/// <c>speed</c> paces frames by their recorded timestamps divided by the speed, against the
/// monotonic clock of the <see cref="TimeProvider"/>; <c>loop</c> replays the file N times (0 =
/// forever), each pass with the timestamps as recorded and paced from its own first record (which
/// follows the previous pass's last one at once). <see cref="Fill"/> never waits for a record
/// longer than its timeout; it then returns what it has, possibly nothing. When the replay is over,
/// <see cref="Fill"/> logs <c>end of file</c> and returns <see cref="SourceStatus.EndOfInput"/>;
/// it keeps returning it afterwards, with no packets.
/// </para>
/// <para>
/// A damaged record (caplen above 262144 or above its length, a truncated header or frame at the
/// end of the file, an I/O error) ends the whole replay, remaining loop passes included: every
/// complete record before it is delivered, then <c>read pcap file error: …; skip the rest of the
/// file</c> is logged once. Replaying a damaged file again and again would only repeat the error.
/// </para>
/// </remarks>
internal sealed partial class PcapFileSource : PacketSource
{
    /// <summary>The task's capturer settings.</summary>
    private readonly PcapFileCaptureConfig _config;

    /// <summary>BPF matching every output's traffic; null when there is no loop guard.</summary>
    private readonly string? _loopGuard;

    private readonly ILogger _logger;

    /// <summary>Task name, for log lines.</summary>
    private readonly string _task;

    /// <summary>Monotonic clock for <c>speed</c>.</summary>
    private readonly TimeProvider _time;

    /// <summary>The file; null before <see cref="Open"/> and after <see cref="Dispose"/>.</summary>
    private SafeFileHandle? _file;

    /// <summary>The file's global header.</summary>
    private PcapFileHeader _header;

    /// <summary>The compiled filter; null when there is none.</summary>
    private OfflineBpfFilter? _filter;

    /// <summary>True once the replay is over (end of file or a damaged record).</summary>
    private bool _finished;

    /// <summary>Creates the source; nothing is opened until <see cref="Open"/>.</summary>
    public PcapFileSource(PcapFileCaptureConfig config, string? loopGuard, ILogger logger, string taskName, TimeProvider time)
    {
        if (config.Speed is double s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(config), s, "speed must be a positive number");
        }

        _config = config;
        _loopGuard = loopGuard;
        _logger = logger;
        _task = taskName;
        _time = time;
    }

    /// <inheritdoc/>
    public override int MaxFrameLength =>
        _header.Snaplen + (_header.LinkType == LinkTypeNormalizer.Ethernet && _ng is null ? 0 : LinkTypeNormalizer.MaxGrowth);

    /// <inheritdoc/>
    public override bool IsLossless => true;

    /// <summary>The file's global header; valid after <see cref="Open"/>.</summary>
    internal PcapFileHeader Header => _header;

    /// <inheritdoc/>
    public override void Open()
    {
        if (_file is not null)
        {
            throw new InvalidOperationException("the replay is already open");
        }

        string path = _config.FileName;
        SafeFileHandle file = ReplayFile.Open(path);
        try
        {
            Span<byte> head = stackalloc byte[PcapFileHeader.Length];
            int n;
            try
            {
                n = RandomAccess.Read(file, head, 0);
            }
            catch (Exception ex) when (ex is IOException or NotSupportedException or UnauthorizedAccessException)
            {
                throw new CaptureException($"cannot read pcap file {path}: {PathErrors.Describe(ex, path)}", ex);
            }

            string? filter = CaptureFilter.Compose(_config.Bpf, _loopGuard, ResolveInterface);
            if (ReplayFile.IsPcapng(head[..n]))
            {
                OpenPcapng(file, path, filter);
            }
            else
            {
                _header = PcapFileHeader.Parse(head[..n], path);
                if (!LinkTypeNormalizer.IsSupported(_header.LinkType))
                {
                    throw new CaptureException($"{path}: link type {_header.LinkType} is not supported", permanent: true);
                }

                if (filter is not null)
                {
                    string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.ToDlt(_header.LinkType), _header.Snaplen, filter, out _filter);
                    if (error is not null)
                    {
                        throw new CaptureException($"cannot compile the filter for {path} ({filter}): {error}", permanent: true);
                    }
                }

                _offset = PcapFileHeader.Length;
            }

            _file = file;
            _averageRecord = InitialAverageRecord;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks the start of a pcapng file (a section and its first interface, within the first block
    /// reads) and sets up the pcapng path; the filter is compiled per interface as they appear.
    /// </summary>
    private void OpenPcapng(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, string? filter)
    {
        byte[] buffer = new byte[PcapngBufferBytes];
        int n;
        try
        {
            n = RandomAccess.Read(file, buffer, 0);
        }
        catch (IOException ex)
        {
            throw new CaptureException($"cannot read pcap file {path}: {PathErrors.Describe(ex, path)}", ex);
        }

        ReplayFile.CheckHeader(buffer.AsSpan(0, n), path);
        _header = new PcapFileHeader(false, true, LibpcapCaptureConfig.MaxSnaplen, LinkTypeNormalizer.Ethernet);
        _ng = new PcapngReader();
        _ngBuffer = buffer;
        _ngBase = 0;
        _ngStart = 0;
        _ngEnd = n;
        _filterExpression = filter;
        if (filter is not null)
        {
            // Checked once against Ethernet so that a filter that can never compile fails the start.
            string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.ToDlt(LinkTypeNormalizer.Ethernet), LibpcapCaptureConfig.MaxSnaplen, filter, out OfflineBpfFilter? probe);
            probe?.Dispose();
            if (error is not null)
            {
                throw new CaptureException($"cannot compile the filter for {path} ({filter}): {error}", permanent: true);
            }
        }
    }

    /// <summary>
    /// Replaces the filter with <paramref name="filter"/>, the complete expression
    /// (<see cref="CaptureFilter.Compose"/>); null keeps every record. Applies from the next record
    /// on. Throws <see cref="CaptureException"/> (and keeps the old filter) when it does not compile.
    /// </summary>
    public override void SetFilter(string? filter)
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        if (_ng is not null)
        {
            SetPcapngFilter(filter);
            return;
        }

        OfflineBpfFilter? compiled = null;
        if (filter is not null)
        {
            string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.ToDlt(_header.LinkType), _header.Snaplen, filter, out compiled);
            if (error is not null)
            {
                throw new CaptureException($"cannot compile the filter for {_config.FileName} ({filter}): {error}");
            }
        }

        _filter?.Dispose();
        _filter = compiled;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _filter?.Dispose();
        _filter = null;
        ClearInterfaceFilters();
        base.Dispose();
    }

    /// <summary>Ends the replay: logs and remembers that <see cref="SourceStatus.EndOfInput"/> was returned.</summary>
    private void Finish(string? damage)
    {
        _finished = true;
        if (damage is null)
        {
            CaptureLog.EndOfFile(_logger, _task);
        }
        else
        {
            CaptureLog.ReadError(_logger, _task, damage);
        }
    }
}
