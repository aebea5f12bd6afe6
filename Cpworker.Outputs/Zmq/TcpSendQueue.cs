using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// How many bytes this process's TCP connections to an endpoint still have to get acknowledged,
/// read from <c>/proc/net/tcp</c> or <c>/proc/net/tcp6</c>. NetMQ resets its connection when its
/// socket closes, which throws away whatever the kernel has not delivered yet;
/// <see cref="ZmqTransport.Close"/> waits for this to reach zero first.
/// </summary>
internal static class TcpSendQueue
{
    /// <summary>
    /// Unacknowledged bytes over this process's established connections to <paramref name="remote"/>;
    /// -1 when there is no such connection or /proc cannot be read. Allocates: for shutdown only.
    /// </summary>
    public static long PendingBytes(IPEndPoint remote)
    {
        try
        {
            HashSet<string> inodes = OwnSocketInodes();
            string table = remote.AddressFamily == AddressFamily.InterNetworkV6 ? "/proc/net/tcp6" : "/proc/net/tcp";
            string wanted = ProcAddress(remote);
            long pending = -1;
            foreach (string line in System.IO.File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || !string.Equals(f[2], wanted, StringComparison.OrdinalIgnoreCase) || f[3] != "01" || !inodes.Contains(f[9]))
                {
                    continue;
                }

                long tx = long.Parse(f[4].AsSpan(0, f[4].IndexOf(':')), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                pending = Math.Max(pending, 0) + tx;
            }

            return pending;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private static HashSet<string> OwnSocketInodes()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return inodes;
    }

    /// <summary>The endpoint as /proc/net/tcp prints it: each 32-bit word of the address as the kernel holds it, in hex, then the port.</summary>
    private static string ProcAddress(IPEndPoint endpoint)
    {
        byte[] a = endpoint.Address.GetAddressBytes();
        var s = new System.Text.StringBuilder();
        for (int i = 0; i < a.Length; i += 4)
        {
            s.Append(BitConverter.ToUInt32(a, i).ToString("X8", CultureInfo.InvariantCulture));
        }

        return s.Append(':').Append(endpoint.Port.ToString("X4", CultureInfo.InvariantCulture)).ToString();
    }
}
