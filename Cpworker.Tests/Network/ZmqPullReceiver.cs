using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>
/// A real libzmq PULL socket (Debian's python3-zmq) bound on 127.0.0.1, writing every message it
/// receives, length-prefixed, to a file the test reads. Ends by itself after its lifetime.
/// </summary>
internal sealed class ZmqPullReceiver : IDisposable
{
    private const string Script = """
        import struct, sys, time, zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.PULL)
        port = s.bind_to_random_port("tcp://127.0.0.1")
        print(port, flush=True)
        out = open(sys.argv[1], "wb")
        deadline = time.time() + float(sys.argv[2])
        while time.time() < deadline:
            if s.poll(100):
                m = s.recv()
                out.write(struct.pack(">I", len(m)) + m)
                out.flush()
        """;

    private readonly Process _process;
    private readonly string _script;

    /// <summary>Starts the receiver; it lives at most <paramref name="lifetimeSeconds"/>.</summary>
    public ZmqPullReceiver(int lifetimeSeconds = 120)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cpw-zmq-{Guid.NewGuid():N}.bin");
        _script = Path + ".py";
        System.IO.File.WriteAllText(_script, Script);
        System.IO.File.WriteAllBytes(Path, []);
        _process = Run.Start("/usr/bin/python3", $"{_script} {Path} {lifetimeSeconds}");
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result is null)
        {
            Dispose();
            throw new InvalidOperationException("the python3-zmq receiver did not start: " + _process.StandardError.ReadToEnd());
        }

        Port = int.Parse(line.Result, CultureInfo.InvariantCulture);
    }

    /// <summary>Where the receiver listens.</summary>
    public int Port { get; }

    /// <summary>The file of received messages.</summary>
    public string Path { get; }

    /// <summary>Messages received so far, in order.</summary>
    public List<byte[]> Messages()
    {
        byte[] f = System.IO.File.ReadAllBytes(Path);
        var messages = new List<byte[]>();
        int at = 0;
        while (at + 4 <= f.Length)
        {
            int n = (int)BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(at));
            if (at + 4 + n > f.Length)
            {
                break;
            }

            messages.Add(f.AsSpan(at + 4, n).ToArray());
            at += 4 + n;
        }

        return messages;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        System.IO.File.Delete(Path);
        System.IO.File.Delete(_script);
    }
}
