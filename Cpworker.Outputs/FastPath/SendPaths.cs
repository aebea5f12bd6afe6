namespace Cpworker.Outputs.FastPath;

/// <summary>The <c>send_path</c> values of the configuration.</summary>
internal static class SendPaths
{
    /// <summary>Names in <see cref="SendPath"/> order.</summary>
    internal static readonly string[] Names = ["socket", "packet_ring", "auto"];
}
