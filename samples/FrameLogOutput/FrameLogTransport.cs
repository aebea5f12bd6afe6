using Cpworker.Engine.Logging;
using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

/// <summary>Writes each submitted buffer to the file; a failed write is counted and logged at most once a minute.</summary>
internal sealed class FrameLogTransport : OutputTransport
{
    private readonly FileStream _file;
    private readonly OutputContext _context;
    private readonly Action _noteThread;
    private readonly LogThrottle _failures;

    public FrameLogTransport(FileStream file, OutputContext context, Action noteThread)
    {
        _file = file;
        _context = context;
        _noteThread = noteThread;
        _failures = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
    }

    /// <inheritdoc/>
    public override void Send(SendBuffer buffer)
    {
        _noteThread();
        try
        {
            _file.Write(buffer.Written);
        }
        catch (IOException ex)
        {
            _context.Counters.Sender.ErrorPackets += buffer.PacketCount;
            _context.Counters.Sender.ErrorBytes += buffer.PacketBytes;
            if (_failures.ShouldLog())
            {
                _context.Logger.LogError("{Output}: write failed: {Reason}", _context.DisplayName, ex.Message);
            }
        }
    }

    /// <inheritdoc/>
    public override void Close() => _file.Dispose();

    /// <inheritdoc/>
    public override void Dispose() => _file.Dispose();
}
