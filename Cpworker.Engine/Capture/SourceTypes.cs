using System.Diagnostics.CodeAnalysis;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>
/// The capture source types the engine knows. A new kind of source is one <see cref="SourceType"/>
/// and one line here; the loader, the host check, the graph factory, the runner and the daemon
/// ask this list.
/// </summary>
internal static class SourceTypes
{
    /// <summary>Every source type, in the order capturer types are listed in messages.</summary>
    private static readonly SourceType[] s_all =
    [
        new LibpcapSourceType(),
        new PcapFileSourceType(),
        new CustomSourceType(),
    ];

    /// <summary>The capturer <c>type</c> values a configuration may name.</summary>
    public static IReadOnlyList<string> Names { get; } = s_all.Where(t => t.Name is not null).Select(t => t.Name!).ToArray();

    /// <summary>The type called <paramref name="name"/> in a configuration.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out SourceType? type)
    {
        type = s_all.FirstOrDefault(t => t.Name == name);
        return type is not null;
    }

    /// <summary>The type of <paramref name="config"/>. Throws <see cref="CaptureException"/> for a capturer no type handles.</summary>
    public static SourceType For(CaptureConfig config) =>
        s_all.FirstOrDefault(t => t.Handles(config))
        ?? throw new CaptureException($"capturer {config.GetType().Name} is not supported");

    /// <summary>True when <paramref name="config"/> is a replay (<see cref="SourceType.IsReplay"/>).</summary>
    public static bool IsReplay(CaptureConfig config) => For(config).IsReplay(config);
}
