using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Control;
using Cpworker.Host.Logging;
using Cpworker.Outputs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Fuzz;

/// <summary>
/// One entry point per parser that reads untrusted input (docs/fuzzing.md). Each takes the fuzzer's
/// bytes and must return normally: bad input is reported (diagnostics, an error reply, a damaged
/// replay), never thrown, except where the parser's contract names an exception.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>The targets by name.</summary>
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["config"] = Config,
        ["direction"] = Direction,
        ["pcap"] = Replay,
        ["pcapng"] = Replay,
        ["frame"] = Frame,
        ["control"] = Control,
    };

    /// <summary>Built on first use: instrumented code must not run before SharpFuzz has set up AFL's shared memory.</summary>
    private static OutputTypeRegistry? s_registry;
    private static readonly string s_replayPath = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"cpw-fuzz-{Environment.ProcessId}.cap");
    private static PacketBatch? s_batch;
    private static ControlConnection? s_connection;

    /// <summary>The config loader: any bytes give a result with diagnostics, never an exception.</summary>
    private static void Config(byte[] input)
    {
        string json = Encoding.UTF8.GetString(input);
        ConfigLoader.Load(json, s_registry ??= StandardOutputs.CreateRegistry(), name => name.Length < 8 ? new string('x', name.Length * 100) : null);
    }

    /// <summary>The direction-pattern parser and compiler.</summary>
    private static void Direction(byte[] input)
    {
        string pattern = Encoding.UTF8.GetString(input);
        if (DirectionPatternParser.TryParse(pattern, out DirectionPatternNode? tree, out _))
        {
            _ = tree.ToString();
        }
    }

    /// <summary>The replay source (classic pcap and pcapng): opening and reading to the end, with a filter and a loop.</summary>
    private static void Replay(byte[] input)
    {
        File.WriteAllBytes(s_replayPath, input);
        var config = new PcapFileCaptureConfig { FileName = s_replayPath, Loop = 2 };
        using var source = new PcapFileSource(config, null, NullLogger.Instance, "fuzz", TimeProvider.System);
        try
        {
            source.Open();
        }
        catch (CaptureException)
        {
            return; // a file that cannot be replayed, said in words
        }

        PacketBatch batch = s_batch ??= new PacketBatch(4 << 20, 1024);
        for (int i = 0; i < 10_000; i++)
        {
            batch.Reset();
            if (source.Fill(batch, 0) == SourceStatus.EndOfInput)
            {
                break;
            }

            for (int p = 0; p < batch.Count; p++)
            {
                FrameHeaderParser.Parse(batch.Frame(p), out _);
            }
        }
    }

    /// <summary>The frame header parser behind direction classification.</summary>
    private static void Frame(byte[] input) => FrameHeaderParser.Parse(input, out _);

    /// <summary>
    /// The control connection's line handling: the input is split into lines as a client's stream
    /// would be, each answered in turn (handshake, JSON, commands) against an engine with no task.
    /// </summary>
    private static void Control(byte[] input)
    {
        s_connection ??= CreateConnection();
        var buffer = new ReadOnlySequence<byte>(input);
        bool handshaken = false;
        while (ControlConnection.TryTakeLine(ref buffer, out ReadOnlySequence<byte> line))
        {
            (_, _, bool close, _) = s_connection.Answer(line, ref handshaken);
            if (close)
            {
                return;
            }
        }
    }

    private static ControlConnection CreateConnection()
    {
        var engine = new CpworkerEngine(new CpworkerConfig(), s_registry ??= StandardOutputs.CreateRegistry(), NullLoggerFactory.Instance);
        var target = new ControlTarget
        {
            Engine = engine,
            ConfigPath = "/fuzz/cpworker.json",
            LogLevel = new LogLevelSwitch(Microsoft.Extensions.Logging.LogLevel.Information),
            RequestReload = static () => { },
            RequestShutdown = static () => { },
        };
        var commands = new ControlCommands(target, NullLogger.Instance);
        return new ControlConnection(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), default, commands, NullLogger.Instance, TimeSpan.FromSeconds(10));
    }
}
