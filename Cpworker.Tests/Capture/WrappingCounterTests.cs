using Cpworker.Engine.Capture;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class WrappingCounterTests
{
    [Test]
    public void WidensAcrossWrapAround()
    {
        var c = new WrappingCounter();
        Assert.That(c.Update(10), Is.EqualTo(10));
        Assert.That(c.Update(uint.MaxValue - 5), Is.EqualTo(uint.MaxValue - 5L));
        Assert.That(c.Update(4), Is.EqualTo(uint.MaxValue + 5L), "wrapped: 10 more");
        Assert.That(c.Update(4), Is.EqualTo(uint.MaxValue + 5L), "no change");
        Assert.That(c.Update(uint.MaxValue), Is.EqualTo(2L * uint.MaxValue + 1));
        Assert.That(c.Update(0), Is.EqualTo(2L * uint.MaxValue + 2));
    }
}
