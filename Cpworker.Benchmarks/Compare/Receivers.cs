namespace Cpworker.Benchmarks.Compare;

/// <summary>The loopback receivers a comparison needs, started once for all its runs.</summary>
internal sealed class Receivers : IDisposable
{
    private readonly UdpDrain? _vxlan;
    private readonly ZmqDrain? _zmq;

    /// <summary>Starts a receiver for each of <paramref name="outputs"/> that needs one; a C receiver is compiled into <paramref name="cacheDirectory"/>.</summary>
    public Receivers(IEnumerable<string> outputs, string? cacheDirectory = null)
    {
        if (outputs.Contains("vxlan"))
        {
            _vxlan = new UdpDrain(0);
        }

        if (outputs.Contains("zmq"))
        {
            _zmq = new ZmqDrain(cacheDirectory);
        }
    }

    /// <summary>The VXLAN receiver's UDP port.</summary>
    public int VxlanPort => _vxlan?.Port ?? 0;

    /// <summary>The ZMQ receiver's TCP port.</summary>
    public int ZmqPort => _zmq?.Port ?? 0;

    /// <summary>Which ZMQ receiver runs; null without one.</summary>
    public string? ZmqKind => _zmq?.Kind;

    /// <summary>Zeroes every receiver's count.</summary>
    public void Reset()
    {
        _vxlan?.Reset();
        _zmq?.Reset();
    }

    /// <summary>What the receiver of <paramref name="output"/> got; -1 when it has none.</summary>
    public long Received(string output) => output switch
    {
        "vxlan" when _vxlan is not null => _vxlan.Received,
        "zmq" when _zmq is not null => _zmq.Received,
        _ => -1,
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        _vxlan?.Dispose();
        _zmq?.Dispose();
    }
}
