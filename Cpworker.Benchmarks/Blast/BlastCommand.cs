using System.Globalization;
using Cpworker.Benchmarks.Compare;
using Cpworker.Engine.Capture;
using Cpworker.Outputs.PacketRing;

namespace Cpworker.Benchmarks.Blast;

/// <summary>
/// <c>blast</c>: a traffic generator that is not the limit of a live-capture measurement. Replays
/// a capture (or minimum-size frames) into an interface through an AF_PACKET TX ring with the
/// qdisc bypassed, looping the frames, at a set rate or top speed, and prints what it achieved.
/// </summary>
internal static class BlastCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        dotnet Cpworker.Benchmarks.dll blast --interface IF [options]

        Sends frames into IF through an AF_PACKET TX ring (PACKET_QDISC_BYPASS), looping them,
        paced per batch, and prints one line: frames, bytes, seconds, pps, CPU.

          --interface IF     interface to send on (required)
          --netns PATH       open the ring inside this network namespace (e.g. /var/run/netns/NAME)
          --capture FILE     classic pcap file to send (default: the generated mixed capture)
          --frame64          send 64-byte frames (60 + FCS) of --flows UDP flows instead
          --flows N          flows of --frame64 (default 1024)
          --pps N            frames per second; 0 = top speed (default 0)
          --seconds S        how long to send (default 10)
          --batch N          frames per kick (default 256)
          --ring-frames N    slots of the TX ring (default 4096, 2 KiB each)
        """;

    /// <summary>Runs the command; exit code 0 when frames were sent.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter log)
    {
        string? iface = null, netns = null, capture = null;
        bool frame64 = false;
        int flows = 1024, batch = 256, ringFrames = 4096;
        long pps = 0;
        double seconds = 10;
        try
        {
            for (int i = 0; i < args.Count; i++)
            {
                string a = args[i];
                string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
                switch (a)
                {
                    case "--interface": iface = Value(); break;
                    case "--netns": netns = Value(); break;
                    case "--capture": capture = Path.GetFullPath(Value()); break;
                    case "--frame64": frame64 = true; break;
                    case "--flows": flows = Positive(a, Value()); break;
                    case "--pps": pps = long.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--batch": batch = Positive(a, Value()); break;
                    case "--ring-frames": ringFrames = Positive(a, Value()); break;
                    case "--help" or "-h": log.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"unknown option {a}");
                }
            }

            if (iface is null)
            {
                throw new ArgumentException("--interface is required");
            }

            if (pps < 0 || seconds <= 0)
            {
                throw new ArgumentException("--pps must be ≥ 0 and --seconds > 0");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            log.WriteLine($"blast: {ex.Message}\n\n{Usage}");
            return 2;
        }

        const int frameSize = 2048;
        FrameSet frames = frame64
            ? FrameSet.MinimumSize(flows)
            : FrameSet.Load(capture ?? CaptureInfo.Resolve(null, Generation.MixedCaptureGenerator.DefaultPackets, new Compare.CompareOptions().CacheDirectory, log).Path, 1514);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"blast: {frames.Count} frames ({frames.AverageLength:F0} B average, {frames.Skipped} skipped) into {iface}{(netns is null ? "" : " in " + netns)}"));
        using PacketTxRing ring = OpenRing(iface, netns, frameSize, ringFrames);
        BlastResult result = new Blaster(ring, frames, batch).Run(seconds, pps);
        log.WriteLine(result.Line());
        return result.Frames > 0 ? 0 : 1;
    }

    /// <summary>Opens the ring inside <paramref name="netns"/> on a thread of its own (setns changes only the calling thread).</summary>
    private static PacketTxRing OpenRing(string iface, string? netns, int frameSize, int frames)
    {
        if (netns is null)
        {
            return PacketTxRing.Open(iface, frameSize, frames);
        }

        PacketTxRing? ring = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (NetworkNamespace.Enter(netns))
                {
                    ring = PacketTxRing.Open(iface, frameSize, frames);
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return ring ?? throw new IOException($"cannot open a TX ring on {iface} in {netns}: {error?.Message}", error);
    }

    private static int Positive(string option, string value)
    {
        int n = int.Parse(value, CultureInfo.InvariantCulture);
        return n > 0 ? n : throw new ArgumentException($"{option} must be positive");
    }
}
