using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.FastPath;

/// <summary>Builders shared by the fast-path tests.</summary>
internal static class FastPathTest
{
    /// <summary>Frames a vxlan device passes up unchanged (unicast source MACs, a local EtherType), numbered, of varied sizes up to <paramref name="maxLength"/>.</summary>
    public static List<byte[]> Frames(int count, int seed = 11, int maxLength = 1300)
    {
        var random = new Random(seed);
        var frames = new List<byte[]>(count) { TestFrames.FrameA, NetTest.Bytes(WireVectors.DocShortFrame) };
        for (int i = frames.Count; i < count; i++)
        {
            byte[] f = new byte[60 + random.Next(maxLength - 60)];
            random.NextBytes(f);
            f[0] = 0x02;
            f[6] = 0x02;
            f[12] = 0x88;
            f[13] = 0xB5;
            f[14] = (byte)(i >> 8);
            f[15] = (byte)i;
            frames.Add(f);
        }

        return frames;
    }

    /// <summary>An output built by <paramref name="type"/> and driven inline (the rtc lane), as a test drives it.</summary>
    public sealed class Driver : IDisposable
    {
        private readonly OutputParts _parts;

        public Driver(OutputType type, OutputSettings settings, bool replay = false, TimeProvider? time = null)
        {
            OutputContext c = NetTest.Context(settings, type.Name, time, snaplen: 2048);
            Context = replay
                ? new OutputContext { TaskName = c.TaskName, Config = c.Config, Logger = c.Logger, Time = c.Time, Counters = c.Counters, CaptureSnaplen = c.CaptureSnaplen, IsReplay = true }
                : c;
            _parts = type.Create(settings, Context);
            _parts.Encoder.Attach(new InlineSendLane(_parts.Transport, _parts.BufferBytes, _parts.MaxMessages));
        }

        public OutputContext Context { get; }

        public OutputTransport Transport => _parts.Transport;

        public OutputCounters.SenderSide Sender => Context.Counters.Sender;

        /// <summary>Encodes and sends <paramref name="frames"/> as one batch.</summary>
        public void Send(IEnumerable<byte[]> frames, PacketDirection direction = PacketDirection.NotChecked)
        {
            foreach (byte[] f in frames)
            {
                if (_parts.Encoder.Encode(new Packet(f, f.Length, 1_700_000_000_000_000_000, direction)))
                {
                    Context.Counters.Packet.AcceptedPackets++;
                }
            }

            _parts.Encoder.EndOfBatch();
            _parts.Encoder.Flush();
        }

        public void Dispose() => _parts.Transport.Close();
    }

    /// <summary>The VXLAN datagrams (vni2 33, direction not checked) of <paramref name="frames"/> in hex, by the pure encoder of docs/wire-formats.md, "VXLAN".</summary>
    public static List<string> ExpectedVxlan(IEnumerable<byte[]> frames) => frames.Select(f =>
    {
        byte[] d = new byte[8 + f.Length];
        Cpworker.Outputs.Vxlan.VxlanFormat.Write(d, f, Cpworker.Outputs.Vxlan.VniKind.Vni2, 33 << 8, PacketDirection.NotChecked, captureTime: false, 0);
        return NetTest.Hex(d);
    }).ToList();

    /// <summary>Pins the namespace end's MAC as the host's neighbour for its address (no ARP needed).</summary>
    public static void PinNeighbour(TestNetns ns) =>
        Run.Checked("ip", $"neigh replace {ns.NsAddress} lladdr {ns.MacOf(ns.NsVeth)} dev {ns.HostVeth} nud permanent");

    /// <summary>A replay of <paramref name="frames"/> into the given outputs under <paramref name="model"/>.</summary>
    public static CpworkerConfig Replay(ExecutionModel model, IReadOnlyList<byte[]> frames, params OutputSettings[] outputs) => new()
    {
        ExecutionModel = model,
        PipelineBufferSizeMb = 8,
        Tasks =
        [
            new TaskConfig
            {
                Name = "replay",
                Capturer = new CustomCaptureConfig(() => new FakeSource(frames.Select((f, i) => (f, 1_700_000_000_000_000_000 + (i * 1000L))).ToList())) { IsReplay = true },
                Outputs = outputs.Select((o, i) => new OutputConfig { Index = i, Type = o is Cpworker.Outputs.Gre.GreSettings ? "gre" : "vxlan", Settings = o }).ToArray(),
            },
        ],
    };
}
