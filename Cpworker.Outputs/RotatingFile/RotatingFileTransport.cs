using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// The <c>rotating_file</c> transport (docs/files.md, "rotating_file"): writes
/// <c>&lt;file_root&gt;/&lt;yyyyMMddHH&gt;/pktminerg_dump_&lt;yyyyMMddHHmmss&gt;.pcap.part</c>, renames
/// it to <c>….pcap</c> when complete, starts a new file at every rotation boundary (also when idle:
/// an interval without packets yields a file with just the global header), never overwrites (a
/// second file in the same second gets <c>_1</c>, <c>_2</c> …), and keeps at most <c>max_files</c>
/// complete files.
/// </summary>
/// <remarks>
/// Called from one thread at a time, as every <see cref="OutputTransport"/>. A buffer goes to the
/// file of the period in which its first record was encoded: a buffer that arrives late (queued at
/// the boundary) still lands in the file it belongs to.
/// </remarks>
internal sealed class RotatingFileTransport : PcapFileTransport
{
    /// <summary>
    /// How long after a boundary an idle output starts its new file: time for the encoder to hand
    /// over the last buffer of the old period, which would otherwise land in the new file.
    /// </summary>
    public static readonly TimeSpan IdleRotationDelay = TimeSpan.FromSeconds(1);

    /// <summary>Most <c>_n</c> suffixes tried within one second before giving up.</summary>
    private const int MaxSuffix = 10_000;

    private readonly string _fileRoot;
    private readonly RotationSchedule _schedule;
    private readonly RotatingFileRetention _retention;

    /// <summary><c>max_file_size_mb</c> in bytes; 0 = no size rule.</summary>
    private readonly long _maxFileBytes;

    /// <summary>Start of the rotation period of the current (or last) file.</summary>
    private long _period;

    /// <summary>Mode of a <c>file_root</c> cpworker creates (0750, less the umask): captures are not for every user.</summary>
    public const UnixFileMode FileRootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>
    /// Creates the transport, and <c>file_root</c> (with its missing parents, mode
    /// <see cref="FileRootMode"/>) when it does not exist (docs/files.md); nothing under it is
    /// touched until the output first runs.
    /// </summary>
    /// <exception cref="OutputStartException"><c>file_root</c> does not exist and cannot be created.</exception>
    public RotatingFileTransport(RotatingFileSettings settings, OutputContext context, RotationSchedule schedule)
        : base(context, nanosecond: false)
    {
        _fileRoot = settings.FileRoot;
        _maxFileBytes = settings.MaxFileSizeBytes;
        _schedule = schedule;
        _retention = new RotatingFileRetention(_fileRoot, settings.MaxFiles);
        if (!Directory.Exists(_fileRoot))
        {
            try
            {
                CreateDirectory(_fileRoot);
                TransportLog.FileRootCreated(context.Logger, context.DisplayName, _fileRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                string why = PathErrors.Describe(ex, _fileRoot, creating: true);
                throw new OutputStartException($"{context.DisplayName}: file_root {_fileRoot} does not exist and cannot be created: {why}");
            }
        }
    }

    /// <inheritdoc/>
    public override void OnTick()
    {
        base.OnTick();
        if (!_schedule.Rotates || IsClosed)
        {
            return;
        }

        long period = _schedule.PeriodStart(Time.GetUtcNow() - IdleRotationDelay);
        if (period > _period)
        {
            Rotate(period);
        }
    }

    /// <summary>Completes the <c>.part</c> files an unclean stop left and learns the complete files (for <c>max_files</c>).</summary>
    protected override void OnStart()
    {
        _period = _schedule.CurrentPeriodStart();
        CompleteLeftovers();
        _retention.Scan();
        Prune();
    }

    /// <inheritdoc/>
    protected override void BeforeWrite(SendBuffer buffer)
    {
        if (_schedule.Rotates)
        {
            // The encoder stamped the buffer with the monotonic time of its first record.
            DateTimeOffset firstRecord = Time.GetUtcNow() - Time.GetElapsedTime(buffer.FirstRecordTimestamp);
            long period = _schedule.PeriodStart(firstRecord);
            if (period > _period)
            {
                Rotate(period);
                return;
            }
        }

        // The size rule (like dumpcap -b filesize): a file with records is completed before this
        // buffer would take it past max_file_size_mb; the next is named by the time now.
        long length = CurrentFileLength;
        if (_maxFileBytes > 0 && length > GlobalHeader.Length && length + buffer.Length > _maxFileBytes)
        {
            CompleteCurrent();
            TryOpen(Time.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    protected override PcapFileWriter OpenFile(DateTimeOffset nameTime)
    {
        DateTimeOffset local = TimeZoneInfo.ConvertTime(nameTime, Time.LocalTimeZone);
        string directory = RotatingFileNames.HourDirectory(_fileRoot, local);
        CreateDirectory(directory); // also file_root itself, should it have been removed
        for (int n = 0; n <= MaxSuffix; n++)
        {
            string complete = Path.Combine(directory, RotatingFileNames.FileName(local, n));
            string part = complete + RotatingFileNames.PartSuffix;
            if (!System.IO.File.Exists(complete) && !System.IO.File.Exists(part))
            {
                PcapFileWriter writer = PcapFileWriter.CreateNew(part, GlobalHeader);
                TransportLog.Writing(Logger, Context.DisplayName, part);
                return writer;
            }
        }

        throw new IOException($"no free file name in {directory} for {RotatingFileNames.FileName(local, 0)}");
    }

    /// <inheritdoc/>
    protected override void OnCompleted(PcapFileWriter writer)
    {
        string part = writer.Path;
        string complete = part[..^RotatingFileNames.PartSuffix.Length];
        System.IO.File.Move(part, complete, overwrite: false);
        TransportLog.Completed(Logger, Context.DisplayName, complete, writer.Packets);
        _retention.Add(complete);
        Prune();
    }

    private void Rotate(long period)
    {
        CompleteCurrent();
        _period = period;
        TryOpen(RotationSchedule.ToInstant(period));
    }

    private void Prune()
    {
        try
        {
            _retention.Prune();
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            ReportFailure($"cannot remove old files under {_fileRoot} (max_files)", ex);
        }
    }

    /// <summary>Truncates to whole records and renames every <c>.part</c> file an unclean stop left.</summary>
    private void CompleteLeftovers()
    {
        foreach (string directory in Directory.GetDirectories(_fileRoot))
        {
            if (!RotatingFileNames.IsHourDirectoryName(Path.GetFileName(directory)))
            {
                continue;
            }

            foreach (string part in Directory.GetFiles(directory, "*" + RotatingFileNames.Extension + RotatingFileNames.PartSuffix))
            {
                string complete = part[..^RotatingFileNames.PartSuffix.Length];
                if (!RotatingFileNames.TryParse(Path.GetFileName(complete), out _, out _) || System.IO.File.Exists(complete))
                {
                    continue;
                }

                long cut = PcapFileRepair.TruncateToWholeRecords(part);
                if (cut < 0)
                {
                    continue; // not a file of ours
                }

                System.IO.File.Move(part, complete, overwrite: false);
                TransportLog.CompletedLeftover(
                    Logger,
                    Context.DisplayName,
                    complete,
                    cut);
            }
        }
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents with <see cref="FileRootMode"/>.</summary>
    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FileRootMode);
        }
    }
}
