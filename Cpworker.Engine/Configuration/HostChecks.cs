using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// Checks of configured values against this host (<c>cpworker validate --host</c> and start), shared
/// by the configuration's host check (<c>ConfigHostChecker</c>) and the output types' <c>CheckHost</c>. Each reports a problem
/// at the given JSON path and never throws for a missing or unusable resource.
/// </summary>
/// <remarks>These run on the calling thread, in its network namespace: interface and name lookups see that namespace.</remarks>
public static partial class HostChecks
{
    private const int WriteOk = 2;
    private const int ExecuteOk = 1;

    /// <summary>Reports an error when <paramref name="host"/> is a name that does not resolve (literals always pass).</summary>
    public static void HostResolves(string host, string path, ConfigDiagnostics diagnostics)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return;
        }

        try
        {
            // The synchronous call resolves on this thread, so in this thread's network namespace.
            if (Dns.GetHostAddresses(host).Length == 0)
            {
                diagnostics.Error(path, $"host name \"{host}\" resolves to no address");
            }
        }
        catch (SocketException ex)
        {
            diagnostics.Error(path, $"cannot resolve host name \"{host}\": {ex.Message}");
        }
    }

    /// <summary>Reports an error when no interface called <paramref name="name"/> exists in this namespace.</summary>
    public static void InterfaceExists(string name, string path, ConfigDiagnostics diagnostics)
    {
        // getifaddrs() runs in the calling thread's namespace, like the capture's own lookup.
        if (!NetworkInterface.GetAllNetworkInterfaces().Any(nic => nic.Name == name))
        {
            diagnostics.Error(path, $"there is no network interface \"{name}\" on this host");
        }
    }

    /// <summary>
    /// Reports an error unless <paramref name="directory"/> is a directory cpworker can create files
    /// in. With <paramref name="mayCreate"/>, a directory that does not exist yet passes when its
    /// nearest existing ancestor is a writable directory (cpworker creates the rest).
    /// </summary>
    public static void DirectoryWritable(string directory, string path, ConfigDiagnostics diagnostics, bool mayCreate)
    {
        if (PathErrors.TooLong(directory) is { } tooLong)
        {
            diagnostics.Error(path, $"{tooLong}: Linux cannot create or open it");
            return;
        }

        if (Directory.Exists(directory))
        {
            if (!CanWrite(directory, out string? why))
            {
                diagnostics.Error(path, $"directory {directory} is not writable: {why}");
            }

            return;
        }

        if (File.Exists(directory))
        {
            diagnostics.Error(path, $"{directory} is a file, not a directory");
            return;
        }

        if (!mayCreate)
        {
            diagnostics.Error(path, $"directory {directory} does not exist");
            return;
        }

        string? ancestor = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory));
        while (ancestor is not null && !Directory.Exists(ancestor))
        {
            if (File.Exists(ancestor))
            {
                diagnostics.Error(path, $"cannot create directory {directory}: {ancestor} is a file");
                return;
            }

            ancestor = Path.GetDirectoryName(ancestor);
        }

        if (ancestor is not null && !CanWrite(ancestor, out string? reason))
        {
            diagnostics.Error(path, $"cannot create directory {directory}: {ancestor} is not writable: {reason}");
        }
    }

    /// <summary>
    /// Whether this process may create entries in <paramref name="directory"/>; <c>access(2)</c>
    /// also catches read-only file systems, which permission bits do not show, and creates nothing.
    /// </summary>
    private static bool CanWrite(string directory, out string? why)
    {
        if (Access(directory, WriteOk | ExecuteOk) == 0)
        {
            why = null;
            return true;
        }

        why = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        return false;
    }

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
