using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using static Cpworker.Tests.Classification.DirectionFrames;

namespace Cpworker.Tests.Classification;

/// <summary>Classification is on the packet path: it must allocate nothing at all.</summary>
[TestFixture]
public sealed class ClassifierAllocationTests
{
    [Test]
    public void Classifying_allocates_nothing()
    {
        var nics = new FakeInterfaces().With("eth0", "02:00:00:00:00:01", "10.0.0.1", "2001:db8::1");
        IDirectionClassifier custom = CustomDirectionClassifierTests.Create("(host nic.eth0 or host 192.168.0.1) and (port 80 or port 4700)", nics);
        IDirectionClassifier auto = DirectionClassifierFactory.Create(new AutoDirectionConfig(), "eth0", nics.Resolve)!;
        byte[][] frames =
        [
            Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000))),
            Tagged(V4("10.0.0.2", "10.0.0.1", Udp17, Udp(5000, 80), optionWords: 2), (0x88A8, 1), (0x8100, 2)),
            Ether(V6("2001:db8::2", "2001:db8::1", 0, Ext(44, Frag6(Tcp6, Tcp(5000, 80))))),
            Ether(V4("192.168.0.1", "192.168.0.2", Udp17, Udp(1, 4700, Vxlan(Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 1))))))),
            Ether(new byte[28], 0x0806),
        ];

        int sum = Run(custom, auto, frames, 1000); // warm up (tiering, statics)
        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += Run(custom, auto, frames, 20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(sum, Is.GreaterThan(0));
    }

    private static int Run(IDirectionClassifier custom, IDirectionClassifier auto, byte[][] frames, int rounds)
    {
        int sum = 0;
        for (int r = 0; r < rounds; r++)
        {
            foreach (byte[] f in frames)
            {
                sum += (int)custom.Classify(f) + (int)auto.Classify(f);
            }
        }

        return sum;
    }
}
