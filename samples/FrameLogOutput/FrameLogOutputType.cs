using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

/// <summary>
/// <c>"type": "frame_log"</c>: writes every packet as a 4-byte big-endian length and its frame to a
/// file. Its encoder runs on the packet path and its transport where the execution model puts
/// cpworker's own outputs (inline under rtc, on the output's sender thread under pipeline).
/// </summary>
internal sealed class FrameLogOutputType : OutputType
{
    /// <summary>Bytes of one send buffer.</summary>
    public const int BufferBytes = 256 * 1024;

    private string? _encoderThread;
    private string? _transportThread;

    /// <inheritdoc/>
    public override string Name => "frame_log";

    /// <summary>The name of the thread that last encoded a packet (cpworker names its packet threads).</summary>
    public string? EncoderThread => Volatile.Read(ref _encoderThread);

    /// <summary>The name of the thread that last wrote a buffer.</summary>
    public string? TransportThread => Volatile.Read(ref _transportThread);

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        if (section is null)
        {
            diagnostics.Error(sectionPath, "is required: { \"path\": \"…\" }");
            return null;
        }

        string? path = section.FullPath("path", required: true);
        section.WarnUnknownKeys();
        return path is null ? null : new FrameLogSettings(path);
    }

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics)
    {
        string directory = Path.GetDirectoryName(((FrameLogSettings)settings).Path) ?? "/";
        HostChecks.DirectoryWritable(directory, $"{sectionPath}.path", diagnostics, mayCreate: false);
    }

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings) => $"frame log {((FrameLogSettings)settings).Path}";

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        FileStream file;
        try
        {
            file = new FileStream(((FrameLogSettings)settings).Path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OutputStartException($"{context.DisplayName}: cannot create {((FrameLogSettings)settings).Path}: {ex.Message}", ex);
        }

        var encoder = new FrameLogEncoder(() => Volatile.Write(ref _encoderThread, Thread.CurrentThread.Name));
        var transport = new FrameLogTransport(file, context, () => Volatile.Write(ref _transportThread, Thread.CurrentThread.Name));
        return new OutputParts(encoder, transport, BufferBytes, PipelineBuffers: 8);
    }
}
