namespace Cpworker.Engine.Capture;

/// <summary>Builds the filter a task's capture runs with (behaviour §4, §5).</summary>
internal static class CaptureFilter
{
    /// <summary>
    /// Replaces <c>nic.IFNAME</c> in <paramref name="userBpf"/> with that interface's addresses
    /// (one as is, several as <c>(A or B …)</c>) looked up with <paramref name="resolve"/>, and
    /// combines the result with the loop guard as <c>(bpf) and not (guard)</c>. Null when there is
    /// neither. Throws <see cref="CaptureException"/> when a referenced interface does not exist
    /// or has no address.
    /// </summary>
    public static string? Compose(string? userBpf, string? loopGuard, Func<string, InterfaceInfo?> resolve) =>
        throw new NotImplementedException("capture filter composition is built in the capture work item");
}
