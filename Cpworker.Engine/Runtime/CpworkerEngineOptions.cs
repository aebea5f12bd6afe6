using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// How an engine is built: where it logs and which output types its configuration may name.
/// The engine knows only <c>null</c> and the outputs added here; add cpworker's own
/// (gre, vxlan, zmq, file, rotating_file) with <c>AddStandardOutputs()</c> from the
/// <c>Cpworker.Outputs</c> package.
/// </summary>
public sealed class CpworkerEngineOptions
{
    /// <summary>Where the engine logs; nowhere when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The output types configurations may name.</summary>
    internal OutputTypeRegistry Registry { get; private set; } = new();

    /// <summary>Clock for outputs and summaries (tests use a manual one).</summary>
    internal TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Pause between a task failure and its next attempt.</summary>
    internal TimeSpan RetryInterval { get; set; } = TaskRunner.DefaultRetryInterval;

    /// <summary>
    /// Lets configurations use <c>"type": "<paramref name="type"/>"</c> for an output the
    /// application implements; <paramref name="factory"/> makes one instance per task start.
    /// </summary>
    /// <exception cref="ArgumentException">The type name is empty or already taken.</exception>
    public CpworkerEngineOptions AddOutput(string type, Func<CustomOutputContext, IPacketOutput> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(factory);
        if (Registry.Contains(type))
        {
            throw new ArgumentException($"an output type \"{type}\" is already registered", nameof(type));
        }

        Registry.Add(new CustomOutputType(type, factory));
        return this;
    }

    /// <summary>
    /// Lets configurations use <c>"type": "<paramref name="type"/>"</c> for an output the application
    /// reads as a channel: <c>await foreach</c> over <paramref name="output"/>'s
    /// <see cref="PacketChannelOutput.Reader"/>. Every output of this type, in every task, writes to
    /// <paramref name="output"/>; the channel completes when the engine stops.
    /// </summary>
    /// <exception cref="ArgumentException">The type name is empty or already taken.</exception>
    public CpworkerEngineOptions AddOutput(string type, PacketChannelOutput output)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(output);
        if (Registry.Contains(type))
        {
            throw new ArgumentException($"an output type \"{type}\" is already registered", nameof(type));
        }

        Registry.Add(new ChannelOutputType(type, output));
        return this;
    }

    /// <summary>
    /// Lets configurations use <c>"type": "<paramref name="type"/>.Name"</c> for an output that runs
    /// inline on the packet path like cpworker's own (the Cpworker.Outputs package registers its
    /// types this way). A type of the same name is replaced.
    /// </summary>
    public CpworkerEngineOptions AddOutputType(OutputType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(type.Name, nameof(type));
        Registry.Add(type);
        return this;
    }

    /// <summary>Uses <paramref name="registry"/> as is (the daemon shares its registry with its config loader).</summary>
    internal CpworkerEngineOptions UseRegistry(OutputTypeRegistry registry)
    {
        Registry = registry;
        return this;
    }
}
