using System.Diagnostics;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>
/// A tcpdump writing a pcap file for one test: started in the background (optionally inside a
/// namespace), ready once it says it is listening, stopped with SIGINT so the file is complete.
/// </summary>
internal sealed class Tcpdump : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _stderr = new();

    /// <summary>Starts capturing on <paramref name="device"/> with <paramref name="filter"/> into a temporary file.</summary>
    public Tcpdump(string device, string filter, string? netns = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cpw-net-{Guid.NewGuid():N}.pcap");
        string args = $"-n -U -s 0 -i {device} -w {Path} {filter}";
        _process = netns is null ? Run.Start("tcpdump", args) : Run.Start("ip", $"netns exec {netns} tcpdump {args}");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }

            if (e.Data.Contains("listening on", StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        };
        _process.BeginErrorReadLine();
        if (!_listening.Task.Wait(TimeSpan.FromSeconds(15)))
        {
            Dispose();
            throw new InvalidOperationException($"tcpdump did not start: {Stderr}");
        }
    }

    /// <summary>The pcap file.</summary>
    public string Path { get; }

    /// <summary>What tcpdump printed on stderr.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Frames written so far.</summary>
    public List<byte[]> Frames() => PcapFile.Frames(Path);

    /// <summary>Waits until at least <paramref name="count"/> frames are in the file, then stops tcpdump; returns them.</summary>
    public List<byte[]> WaitFor(int count, int timeoutMs = 15_000)
    {
        Run.Until(() => Frames().Count >= count, timeoutMs);
        Stop();
        return Frames();
    }

    /// <summary>Stops tcpdump (SIGINT) and waits for it to end.</summary>
    public void Stop()
    {
        if (_process.HasExited)
        {
            return;
        }

        // ip netns exec replaces itself with tcpdump (exec), so the pid is tcpdump's in both cases.
        Run.Command("kill", $"-INT {_process.Id}", 5_000);
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Decodes the file with tshark and returns the values of <paramref name="field"/>, one per packet.</summary>
    public List<string> Fields(string field, string? displayFilter = null)
    {
        string filter = displayFilter is null ? "" : $" -Y \"{displayFilter}\"";
        string output = Run.Checked("tshark", $"-n -r {Path}{filter} -T fields -e {field}", 60_000);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            _process.Dispose();
            System.IO.File.Delete(Path);
        }
    }
}
