using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Cpworker.Benchmarks.Soak;

/// <summary>Reads a running daemon's resources from /proc and its counters over its control socket.</summary>
internal static class ProcessProbe
{
    /// <summary>VmRSS in kB and the thread count of <paramref name="pid"/>; (-1, -1) when it is gone.</summary>
    public static (long RssKb, int Threads) Status(int pid)
    {
        long rss = -1;
        int threads = -1;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return (rss, threads);
    }

    /// <summary>Open file descriptors of <paramref name="pid"/>; -1 when it is gone.</summary>
    public static int Fds(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>
    /// The daemon's <c>collect_stats_summary</c> reply, asked on a fresh connection (the daemon closes
    /// connections silent for 10 s); null when it does not answer within 5 s.
    /// </summary>
    public static JsonObject? Summary(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = 5000;
            socket.SendTimeout = 5000;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            stream.Write("{\"version\":\"v1\"}\n{\"command\":\"collect_stats_summary\"}\n"u8);
            _ = reader.ReadLine();
            return reader.ReadLine() is { } reply ? JsonNode.Parse(reply) as JsonObject : null;
        }
        catch (Exception e) when (e is IOException or SocketException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A packet counter <c>{"packets": n, "peta": k}</c> at <paramref name="section"/>.<paramref name="name"/>; -1 when absent.</summary>
    public static long Packets(JsonObject? summary, string section, string name)
    {
        JsonNode? c = summary?[section]?[name];
        return c is null ? -1 : (long)c["packets"]! + (long)c["peta"]! * 10_000_000_000_000_000;
    }
}
