using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>
/// A kind of capture source (<c>libpcap</c>, <c>pcap_file</c>, an application's own): reads its
/// <c>capturer</c> object, checks it against the host, says what the engine must know of it, and
/// builds its sources. The engine knows sources only through this type (<see cref="SourceTypes"/>).
/// </summary>
internal abstract class SourceType
{
    /// <summary>The capturer's <c>type</c> value and the name of its object; null for sources given in code.</summary>
    public abstract string? Name { get; }

    /// <summary>True when <paramref name="config"/> is this type's.</summary>
    public abstract bool Handles(CaptureConfig config);

    /// <summary>
    /// Reads the type's object of a <c>capturer</c> and reports every problem with its path;
    /// null when the settings are unusable. Only called for types with a <see cref="Name"/>.
    /// </summary>
    public virtual CaptureConfig? Parse(ConfigObject section) =>
        throw new NotSupportedException($"a {GetType().Name} is not read from a configuration");

    /// <summary>
    /// True when the source ends (a replay): nothing is lost to congestion anywhere on the path,
    /// outputs wait for slow receivers, and the engine's <c>ReplaysFinished</c> and the daemon's
    /// <c>--exit-at-eof</c> wait for it.
    /// </summary>
    public abstract bool IsReplay(CaptureConfig config);

    /// <summary>The largest frame the source hands over; outputs size their buffers from it.</summary>
    public virtual int Snaplen(CaptureConfig config) => LibpcapCaptureConfig.MaxSnaplen;

    /// <summary>MiB of kernel capture buffer the source asks for (the host check adds them up against the machine's memory).</summary>
    public virtual long CaptureBufferMb(CaptureConfig config) => 0;

    /// <summary>The interface whose MAC and addresses direction tagging (<c>auto</c>) uses; null when there is none.</summary>
    public virtual string? CaptureInterface(CaptureConfig config) => null;

    /// <summary>True when the source runs with the loop guard (behaviour §5): it could capture what outputs send.</summary>
    public virtual bool UsesLoopGuard(CaptureConfig config) => false;

    /// <summary>What the source reads, for the start-up log: <c>interface eth0</c>, <c>file /data/x.pcap</c>.</summary>
    public virtual string Describe(CaptureConfig config) => config.GetType().Name;

    /// <summary>
    /// Checks the configuration against this host (<c>validate --host</c> and start): interfaces,
    /// namespaces, files, filters, and the task's direction pattern where the capture will run.
    /// </summary>
    public virtual void CheckHost(CaptureConfig config, SourceHostCheck check)
    {
    }

    /// <summary>A new, unopened source; it is opened on the task's capture thread.</summary>
    public abstract PacketSource Create(CaptureConfig config, SourceContext context);

    /// <summary>
    /// Compiles <c>bpf</c> offline (Ethernet, <c>nic.IFNAME</c> as a placeholder address), so that a
    /// filter that can never work fails <c>validate</c> and the start instead of every retry.
    /// </summary>
    protected static void CheckBpf(ConfigObject o, string? bpf, int snaplen)
    {
        if (string.IsNullOrWhiteSpace(bpf))
        {
            return;
        }

        string? problem = BpfCompiler.Check(bpf, snaplen);
        if (problem is not null)
        {
            o.Error("bpf", $"the capture filter \"{bpf}\" does not compile: {problem}");
        }
    }

    /// <summary>
    /// Combines <paramref name="bpf"/> with the loop guard, resolving <c>nic.IFNAME</c> in the calling
    /// thread's namespace; false (reported at <c>path.bpf</c>) when a referenced interface is missing.
    /// </summary>
    protected static bool TryComposeFilter(string? bpf, string? loopGuard, string path, ConfigDiagnostics diagnostics, out string? filter)
    {
        filter = null;
        if (bpf is null && loopGuard is null)
        {
            return true;
        }

        try
        {
            filter = CaptureFilter.Compose(bpf, loopGuard, InterfaceResolver.Find);
            return true;
        }
        catch (CaptureException ex)
        {
            diagnostics.Error($"{path}.bpf", ex.Message);
            return false;
        }
    }

    /// <summary>Reports an error when <paramref name="filter"/> does not compile (at <c>path.bpf</c> when the user wrote one).</summary>
    protected static void CheckCompiles(string? filter, bool userBpf, int snaplen, string path, ConfigDiagnostics diagnostics)
    {
        string? problem = filter is null ? null : BpfCompiler.Check(filter, snaplen);
        if (problem is not null)
        {
            diagnostics.Error(userBpf ? $"{path}.bpf" : path, $"the capture filter \"{filter}\" does not compile: {problem}");
        }
    }
}
