using System.Reflection;

namespace Cpworker.Host;

/// <summary>The version cpworker reports (<c>--version</c>, <c>info</c>).</summary>
internal static class VersionInfo
{
    /// <summary>The informational version without build metadata.</summary>
    public static string Version { get; } =
        (typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
