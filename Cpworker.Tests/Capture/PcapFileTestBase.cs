using Cpworker.Tests.Support;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Tests.Capture;

/// <summary>Shared set-up of the pcap replay tests: a temp directory and opened sources that are disposed after each test.</summary>
public abstract class PcapFileTestBase
{
    private readonly List<IDisposable> _owned = [];

    internal TempDirectory Dir { get; private set; } = null!;

    internal ListLogger Log { get; private set; } = null!;

    [SetUp]
    public void CreateDirectory()
    {
        Dir = new TempDirectory();
        Log = new ListLogger();
    }

    [TearDown]
    public void DisposeAll()
    {
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }

        _owned.Clear();
        Dir.Dispose();
    }

    internal static PacketBatch Batch(int dataBytes = 1024 * 1024, int packets = 1024) => new(dataBytes, packets);

    /// <summary>Writes <paramref name="file"/> and opens a replay of it.</summary>
    internal PcapFileSource OpenFile(byte[] file, string? bpf = null, int loop = 1, double? speed = null, string? guard = null, TimeProvider? time = null)
    {
        string path = Dir.File($"f{_owned.Count}.pcap");
        File.WriteAllBytes(path, file);
        return Open(path, bpf, loop, speed, guard, time);
    }

    internal PcapFileSource Open(string path, string? bpf = null, int loop = 1, double? speed = null, string? guard = null, TimeProvider? time = null)
    {
        var config = new PcapFileCaptureConfig { FileName = path, Bpf = bpf, Loop = loop, Speed = speed };
        var source = (PcapFileSource)SourceTypes.For(config).Create(config, new SourceContext { TaskName = "replay", LoopGuard = guard, Logger = Log, Time = time ?? TimeProvider.System });
        _owned.Add(source);
        source.Open();
        return source;
    }
}
