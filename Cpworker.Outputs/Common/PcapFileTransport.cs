using Cpworker.Engine.Configuration;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.Common;

/// <summary>
/// What the <c>file</c> and <c>rotating_file</c> transports share: writing whole buffers to the
/// current <see cref="PcapFileWriter"/>, noticing a file removed under it, and the failure policy of
/// docs/files.md, "Errors" — a buffer that cannot be written is counted as error drops, the failure is logged
/// at most once a minute, and the next buffer goes to a new file.
/// </summary>
/// <remarks>
/// Called from one thread at a time (the sender thread, or the capture thread under rtc). Nothing
/// here throws for a file-system failure. Files are touched only once the output runs (its first
/// tick, buffer or <see cref="Close"/>): a task that fails to start, and is retried every few
/// seconds, never renames or creates a file.
/// </remarks>
internal abstract class PcapFileTransport : OutputTransport
{
    /// <summary>Where lost packets are counted; written by this transport's thread only.</summary>
    private readonly OutputCounters.SenderSide _counters;

    /// <summary>Write and create failures: one log line a minute.</summary>
    private readonly LogThrottle _failureLog;

    /// <summary>Files removed under us: one log line a minute.</summary>
    private readonly LogThrottle _removedLog;

    /// <summary>The file being written; null after a failure until the next buffer opens a new one.</summary>
    private PcapFileWriter? _writer;

    /// <summary>Packets lost since the last successful write; non-zero means the output is failing.</summary>
    private long _lostPackets;

    /// <summary>True once the output has run: first file opened (or tried).</summary>
    private bool _started;

    /// <summary>
    /// Closed files whose completion failed (a rename in a directory made read-only); retried at
    /// most every <see cref="PendingRetryInterval"/> on ticks and buffers, and at close, so that
    /// none stays <c>.part</c> once writing is possible again.
    /// </summary>
    private readonly List<PcapFileWriter> _pending = [];

    /// <summary>When the pending completions may next be tried.</summary>
    private DateTimeOffset _nextPendingRetry;

    /// <summary>
    /// True from a failure until the next successful write: the first failure of each such spell is
    /// logged whatever the once-a-minute throttle says, so that no spell of loss goes unreported.
    /// </summary>
    private bool _failing;

    /// <summary>How often pending completions are retried.</summary>
    private static readonly TimeSpan PendingRetryInterval = TimeSpan.FromSeconds(1);

    private bool _closed;

    /// <summary>Prepares the transport; no file is touched yet.</summary>
    protected PcapFileTransport(OutputContext context, bool nanosecond)
    {
        Context = context;
        Time = context.Time;
        Logger = context.Logger;
        _counters = context.Counters.Sender;
        _failureLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _removedLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        GlobalHeader = PcapRecordEncoder.GlobalHeader(nanosecond, PcapRecordEncoder.FileSnaplen(context.Config.Slice, context.CaptureSnaplen));
    }

    /// <summary>The output's context.</summary>
    protected OutputContext Context { get; }

    /// <summary>The output's clock: every wall-clock decision (names, rotation) reads it.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The output's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The 24 bytes every file starts with.</summary>
    protected byte[] GlobalHeader { get; }

    /// <summary>Bytes in the file being written (header included); 0 when none is open.</summary>
    protected long CurrentFileLength => _writer?.Length ?? 0;

    /// <summary>True once <see cref="Close"/> has run.</summary>
    protected bool IsClosed => _closed;

    /// <inheritdoc/>
    public sealed override void Send(SendBuffer buffer)
    {
        if (buffer.Length == 0)
        {
            return;
        }

        if (_closed)
        {
            Lose(buffer);
            return;
        }

        EnsureStarted();
        RetryPending(force: false);
        BeforeWrite(buffer);
        PcapFileWriter? writer = _writer;
        if (writer is not null && !writer.IsStillAtPath())
        {
            if (_removedLog.ShouldLog())
            {
                TransportLog.FileRemoved(Logger, Context.DisplayName, writer.Path);
            }

            _writer = null;
            writer.Dispose();
            writer = null;
        }

        writer ??= TryOpen(Time.GetUtcNow());
        if (writer is null)
        {
            Lose(buffer);
            return;
        }

        try
        {
            writer.Append(buffer.Written, buffer.PacketCount);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            Lose(buffer);
            ReportFailure($"cannot write {writer.Path}", ex);
            CompleteCurrent(); // what it holds is whole and readable; the next buffer starts a new file
            return;
        }

        if (_lostPackets > 0)
        {
            TransportLog.WritingAgain(Logger, Context.DisplayName, writer.Path, _lostPackets);
            _lostPackets = 0;
        }

        _failing = false;
    }

    /// <summary>Opens the first file once the output runs, also when no packet comes.</summary>
    public override void OnTick()
    {
        if (!_closed)
        {
            EnsureStarted();
            RetryPending(force: false);
        }
    }

    /// <summary>Completes the current file; an output that ran without a tick still leaves its (header-only) file.</summary>
    public override void Close()
    {
        if (_closed)
        {
            return;
        }

        EnsureStarted();
        _closed = true;
        CompleteCurrent();
        RetryPending(force: true);
        foreach (PcapFileWriter w in _pending)
        {
            TransportLog.LeftIncomplete(Logger, Context.DisplayName, w.Path);
        }
    }

    /// <summary>Completes the current file if the output ran; one that never ran leaves no trace.</summary>
    public override void Dispose()
    {
        if (_started)
        {
            Close();
        }

        _closed = true;
        base.Dispose();
    }

    /// <summary>
    /// Creates the next file (never replacing an existing one) and writes its global header.
    /// <paramref name="nameTime"/> is the instant its name should show (now, or a rotation boundary).
    /// </summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission.</exception>
    protected abstract PcapFileWriter OpenFile(DateTimeOffset nameTime);

    /// <summary>Called before each buffer is written: the place to rotate.</summary>
    protected virtual void BeforeWrite(SendBuffer buffer)
    {
    }

    /// <summary>Called after a file has been closed as complete (rename it, prune old ones).</summary>
    protected virtual void OnCompleted(PcapFileWriter writer)
    {
    }

    /// <summary>
    /// Called once, when the output first runs, before its first file is opened (complete what an
    /// earlier run left, learn the existing files). A failure is logged and the output goes on.
    /// </summary>
    /// <exception cref="IOException">Reported as a failure.</exception>
    protected virtual void OnStart()
    {
    }

    /// <summary>Runs <see cref="OnStart"/> and opens the first file, once.</summary>
    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        try
        {
            OnStart();
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            ReportFailure("cannot prepare the output directory", ex);
        }

        TryOpen(Time.GetUtcNow());
    }

    /// <summary>Opens a new file; null (failure logged) when it cannot be created.</summary>
    protected PcapFileWriter? TryOpen(DateTimeOffset nameTime)
    {
        try
        {
            _writer = OpenFile(nameTime);
            return _writer;
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            ReportFailure("cannot create a new file", ex);
            return null;
        }
    }

    /// <summary>Closes the current file as complete, if there is one.</summary>
    protected void CompleteCurrent()
    {
        PcapFileWriter? writer = _writer;
        if (writer is null)
        {
            return;
        }

        _writer = null;
        writer.Dispose();
        try
        {
            OnCompleted(writer);
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            _pending.Add(writer);
            ReportFailure($"cannot complete {writer.Path} (retried until it works)", ex);
        }
    }

    /// <summary>Tries again to complete the files whose completion failed; at most every second unless <paramref name="force"/>.</summary>
    private void RetryPending(bool force)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        DateTimeOffset now = Time.GetUtcNow();
        if (!force && now < _nextPendingRetry)
        {
            return;
        }

        _nextPendingRetry = now + PendingRetryInterval;
        for (int i = _pending.Count - 1; i >= 0; i--)
        {
            PcapFileWriter writer = _pending[i];
            if (!System.IO.File.Exists(writer.Path))
            {
                _pending.RemoveAt(i); // removed or completed by someone else: nothing left to do
                continue;
            }

            try
            {
                OnCompleted(writer);
                _pending.RemoveAt(i);
                TransportLog.CompletedLater(Logger, Context.DisplayName, writer.Path);
            }
            catch (Exception ex) when (IsFileError(ex))
            {
                // Still failing: the spell's start was logged; the throttle covers the rest.
            }
        }
    }

    /// <summary>Logs a file-system failure at most once a minute.</summary>
    protected void ReportFailure(string what, Exception ex)
    {
        bool spellStart = !_failing;
        _failing = true;
        if (_failureLog.ShouldLog() || spellStart)
        {
            TransportLog.WriteFailed(
                Logger,
                Context.DisplayName,
                what,
                PathErrors.FromMessage(ex, creating: what.StartsWith("cannot create", StringComparison.Ordinal)),
                _lostPackets);
        }
    }

    /// <summary>True for the exceptions a file-system operation throws for an environmental failure.</summary>
    protected static bool IsFileError(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private void Lose(SendBuffer buffer)
    {
        _counters.ErrorPackets += buffer.PacketCount;
        _counters.ErrorBytes += buffer.PacketBytes;
        _counters.FailedSends++;
        _lostPackets += buffer.PacketCount;
    }
}
