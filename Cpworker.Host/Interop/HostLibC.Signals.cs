namespace Cpworker.Host.Interop;

internal static unsafe partial class HostLibC
{
    /// <summary><c>SIGHUP</c>.</summary>
    public const int SigHup = 1;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    /// <summary>
    /// Gives <paramref name="signal"/> its default action again (<c>SIG_DFL</c>). A signal the
    /// parent ignored (<c>nohup</c>, some supervisors) stays ignored across <c>exec</c>, and .NET
    /// then installs no handler for it, so a registration for it would never fire.
    /// </summary>
    public static void RestoreDefaultAction(int signal) => Signal(signal, 0);
}
