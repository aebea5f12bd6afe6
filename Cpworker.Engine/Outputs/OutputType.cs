using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// A kind of output (<c>gre</c>, <c>vxlan</c>, <c>file</c> …): reads its config object, checks it
/// against the host, and builds instances. The engine knows outputs only through this type.
/// </summary>
public abstract class OutputType
{
    /// <summary>The <c>type</c> value and the name of the output's config object.</summary>
    public abstract string Name { get; }

    /// <summary>False for types without a config object of their own (<c>null</c>).</summary>
    public virtual bool HasSection => true;

    /// <summary>
    /// Reads the output's config object (<paramref name="section"/> is null when it is absent) and
    /// reports every problem with its path. Null when the settings are unusable.
    /// </summary>
    public abstract OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics);

    /// <summary>Checks against this host (<c>validate --host</c> and start): devices, directories, sockets.</summary>
    public virtual void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics)
    {
    }

    /// <summary>
    /// BPF expressions matching the traffic this output sends, for the loop guard (docs/loop-guard.md, "What it does");
    /// empty for outputs that send nothing on the network.
    /// </summary>
    public virtual IEnumerable<string> LoopGuardFilters(OutputSettings settings) => [];

    /// <summary>What the output does, for the start-up log: <c>pcap files under /data/captures/&lt;yyyyMMddHH&gt;/</c>.</summary>
    public virtual string Describe(OutputSettings settings) => Name;

    /// <summary>Builds one running instance. Throws <see cref="OutputStartException"/> when it cannot start.</summary>
    public abstract OutputParts Create(OutputSettings settings, OutputContext context);
}
