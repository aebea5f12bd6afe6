using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// Every message is ours (issue 10, item 2): the real <c>cpworker</c> binary, run the way an operator
/// would with odd paths (missing, under a file, a directory, a FIFO, a dangling link, names too
/// long, NUL and half a surrogate pair in the JSON), busy ports and a socket that answers garbage.
/// None of its output may carry .NET's own words (exception texts, type names, stack frames), and
/// each says what is wrong in our words.
/// </summary>
[NonParallelizable]
public sealed partial class MessagesInOurWordsTests
{
    private const int DeadlineMs = 30_000;

    private static string s_dir = "";
    private static Socket? s_busyUdp;
    private static TcpListener? s_busyTcp;
    private static Socket? s_garbage;

    /// <summary>A case: the command line, an optional config written to {C}, and the words the output must contain.</summary>
    public sealed record OddCase(string Name, string Args, string? Config, string Expect)
    {
        public override string ToString() => Name;
    }

    private static readonly string Long = new('a', 300);

    private static string Replay => "{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"{T}/tiny.pcap\"}}";

    private static string Lo(string extra = "") => $"{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"lo\"{extra}}}}}";

    private static string Task(string capturer, string outputs = "") => $"{{\"tasks\":[{{\"capturer\":{capturer},\"outputs\":[{outputs}]}}]}}";

    private static IEnumerable<OddCase> Cases()
    {
        // validate: the config file itself.
        yield return new("validate a missing file", "validate -c {T}/none.json", null, "{T}/none.json: it does not exist");
        yield return new("validate a file under a file", "validate -c {T}/file/x.json", null, "{T}/file is a file, not a directory");
        yield return new("validate a dangling link", "validate -c {T}/dangling", null, "{T}/dangling is a symbolic link to /nonexistent/x, which does not exist");
        yield return new("validate a FIFO", "validate -c {T}/fifo", null, "is a named pipe (FIFO), not a regular file");
        yield return new("validate a directory", "validate -c {T}/dir", null, "is a directory, not a regular file");
        yield return new("validate an empty file", "validate -c {C}", "", "the configuration is empty");
        yield return new("validate a file cut short", "validate -c {C}", "{\"tasks\": [", "ends before the JSON is complete");

        // validate: strings no value can hold.
        yield return new("half a surrogate in log_level", "validate -c {C}", "{\"log_level\":\"\\ud800\",\"tasks\":[]}", "log_level: contains a \\u escape of an unpaired UTF-16 surrogate");
        yield return new("half a surrogate in a key", "validate -c {C}", "{\"tasks\":[],\"\\udc00\":1}", "a key contains a \\u escape of an unpaired UTF-16 surrogate");
        yield return new("half a surrogate in bpf", "validate -c {C}", Task(Lo(",\"bpf\":\"host \\ud800\"")), "tasks[0].capturer.libpcap.bpf: contains a \\u escape");
        yield return new("half a surrogate in file_root", "validate -c {C}", Task(Lo(), "{\"type\":\"rotating_file\",\"rotating_file\":{\"file_root\":\"/tmp/\\ud800\"}}"), "rotating_file.file_root: contains a \\u escape");
        yield return new("half a surrogate in a port", "validate -c {C}", Task(Lo(), "{\"type\":\"zmq\",\"zmq\":{\"host\":\"127.0.0.1\",\"port\":\"\\ud800\"}}"), "zmq.port: contains a \\u escape");
        yield return new("NUL in bpf", "validate -c {C}", Task(Lo(",\"bpf\":\"tcp\\u0000 and\"")), "tasks[0].capturer.libpcap.bpf: must not contain a NUL character");
        yield return new("NUL in netns", "validate --host -c {C}", Task(Lo(",\"netns\":\"/tmp/a\\u0000b\"")), "libpcap.netns: must not contain a NUL character");
        yield return new("NUL in the control path", "validate --host -c {C}", "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"/tmp/a\\u0000b\"}},\"tasks\":[]}", "control.unix.path: must not contain a NUL character");

        // validate --host: paths in the config.
        yield return new("replay a dangling link", "validate --host -c {C}", Task("{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"{T}/dangling\"}}"), "is a symbolic link to /nonexistent/x, which does not exist");
        yield return new("file_root with a name too long", "validate --host -c {C}", Task(Lo(), $"{{\"type\":\"rotating_file\",\"rotating_file\":{{\"file_root\":\"{{T}}/{Long}\"}}}}"), "is longer than 255 bytes");
        yield return new("file name too long", "validate --host -c {C}", Task(Lo(), $"{{\"type\":\"file\",\"file\":{{\"name\":\"{{T}}/{Long}\"}}}}"), "is longer than 255 bytes");
        yield return new("netns a directory", "validate --host -c {C}", Task(Lo(",\"netns\":\"{T}/dir\"")), "cannot open netns {T}/dir: it is a directory, not a network namespace");
        yield return new("netns a FIFO", "validate --host -c {C}", Task(Lo(",\"netns\":\"{T}/fifo\"")), "it is a named pipe (FIFO), not a network namespace");
        yield return new("control socket path a directory", "validate --host -c {C}", "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"{T}/dir\"}},\"tasks\":[]}", "{T}/dir exists and is a directory, not a socket");
        yield return new("control socket path a regular file", "validate --host -c {C}", "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"{T}/file\"}},\"tasks\":[]}", "{T}/file exists and is a regular file, not a socket");
        yield return new("netns a mount namespace", "validate --host -c {C}", Task(Lo(",\"netns\":\"/proc/self/ns/mnt\"")), "is not a network namespace");

        // run: what fails only when the daemon runs.
        yield return new("run: a file output that cannot be created", "run --exit-at-eof -c {C}", Task(Replay, "{\"type\":\"file\",\"file\":{\"name\":\"/proc/cpw-none\"}}"), "cannot create a new file: /proc/cpw-none:");
        yield return new("run: a file_root that cannot be created", "run --exit-at-eof -c {C}", Task(Replay, "{\"type\":\"rotating_file\",\"rotating_file\":{\"file_root\":\"/proc/cpw-none\"}}"), "file_root /proc/cpw-none does not exist and cannot be created:");
        yield return new("run: a replay under a file", "run --exit-at-eof -c {C}", Task("{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"{T}/file/x.pcap\"}}"), "cannot open pcap file {T}/file/x.pcap: {T}/file is a file, not a directory");
        yield return new("run: a control socket that cannot be created", "run --exit-at-eof -c {C}", "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"/proc/cpw-none/s\"}},\"tasks\":[]}", "cannot create the directory /proc/cpw-none:");
        yield return new("run: a Prometheus name that does not resolve", "run --exit-at-eof -c {C}", "{\"metrics\":{\"prometheus\":{\"listen\":\"cpw-none.invalid:9464\"}}," + Task(Replay)[1..], "cannot resolve host name \"cpw-none.invalid\"");

        // ctl.
        yield return new("ctl: no socket", "ctl --socket {T}/none.sock ping", null, "no such socket");
        yield return new("ctl: a dangling link", "ctl --socket {T}/dangling ping", null, "no such socket");
        yield return new("ctl: a socket path too long", $"ctl --socket {{T}}/{Long} ping", null, "a Unix socket path has 1 to 107 bytes");
        yield return new("ctl: a regular file", "ctl --socket {T}/file ping", null, "connection refused");
        yield return new("ctl: a socket that answers garbage", "ctl --socket {T}/garbage.sock ping", null, "malformed reply (not JSON): garbage");
        yield return new("ctl -c a missing file", "ctl -c {T}/none.json ping", null, "{T}/none.json: it does not exist");
        yield return new("ctl -c a FIFO", "ctl -c {T}/fifo ping", null, "it is a named pipe (FIFO), not a regular file");
        yield return new("ctl -c a directory", "ctl -c {T}/dir ping", null, "it is a directory, not a regular file");
        yield return new("ctl -c half a surrogate", "ctl -c {C} ping", "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"\\ud800\"}},\"tasks\":[]}", "is not valid Unicode");
        yield return new("ctl --timeout not a number", "ctl --timeout abc ping", null, "--timeout: \"abc\" is not a number");

        // interfaces.
        yield return new("interfaces in a directory", "interfaces --netns {T}/dir", null, "it is a directory, not a network namespace");
        yield return new("interfaces in a missing namespace", "interfaces --netns {T}/none", null, "it does not exist");

        // recv.
        yield return new("recv -c a missing file", "recv -c {T}/none.json", null, "{T}/none.json: cannot read: it does not exist");
        yield return new("recv -c a FIFO", "recv -c {T}/fifo", null, "it is a named pipe (FIFO), not a regular file");
        yield return new("recv -c a directory", "recv -c {T}/dir", null, "it is a directory, not a regular file");
        yield return new("recv -c an empty file", "recv -c {C}", "", "the file is empty");
        yield return new("recv -c a file cut short", "recv -c {C}", "{\"receivers\":", "ends before the JSON is complete");
        yield return new("recv -c half a surrogate", "recv -c {C}", "{\"receivers\":[{\"type\":\"vxlan\",\"listen\":\"\\ud800\"}]}", "receivers[0].listen: contains a \\u escape");
        yield return new("recv: a VXLAN port in use", "recv --vxlan 127.0.0.1:{UDP} -w {T}/o.pcapng", null, "Address already in use");
        yield return new("recv: a ZMQ port in use", "recv --zmq tcp://127.0.0.1:{TCP} -w {T}/o.pcapng", null, "cannot bind: Address already in use");
        yield return new("recv: -w a directory", "recv --vxlan 127.0.0.1:0 -w {T}/dir", null, "-w {T}/dir: it is a directory");
        yield return new("recv: --rotate under a file", "recv --vxlan 127.0.0.1:0 --rotate {T}/file/x", null, "{T}/file is a file, not a directory");
        yield return new("recv: --rotate-seconds not a number", "recv --vxlan 127.0.0.1:0 --rotate {T}/dir --rotate-seconds abc", null, "--rotate-seconds: \"abc\" is not a whole number");
    }

    /// <summary>What only .NET says: exception texts, type names, stack frames, the JSON reader's internals.</summary>
    [GeneratedRegex(@"Exception|System\.[A-Z]|^\s+at |Could not find|Access to the path|Object reference|Value cannot be null|Null character in path|isFinalBlock|LineNumber:|BytePositionInLine|Expected depth|is of an invalid length|Cannot parse argument|The request is not supported|\(Parameter '", RegexOptions.Multiline)]
    private static partial Regex DotNetWording();

    [OneTimeSetUp]
    public void CreateOddPaths()
    {
        s_dir = Directory.CreateTempSubdirectory("cpw-words-").FullName;
        Directory.CreateDirectory(Path.Combine(s_dir, "dir"));
        File.WriteAllText(Path.Combine(s_dir, "file"), "x");
        File.CreateSymbolicLink(Path.Combine(s_dir, "dangling"), "/nonexistent/x");
        Run.Checked("mkfifo", Path.Combine(s_dir, "fifo"));
        new PcapBuilder().Add(TestFrames.FrameA, 1_000_000_000).WriteTo(Path.Combine(s_dir, "tiny.pcap"));

        s_busyUdp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s_busyUdp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        s_busyTcp = new TcpListener(IPAddress.Loopback, 0);
        s_busyTcp.Start();

        // A socket that answers every line with garbage, as a wrong program behind the path would.
        s_garbage = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s_garbage.Bind(new UnixDomainSocketEndPoint(Path.Combine(s_dir, "garbage.sock")));
        s_garbage.Listen(8);
        _ = System.Threading.Tasks.Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await s_garbage.AcceptAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    byte[] buffer = new byte[4096];
                    if (await client.ReceiveAsync(buffer).ConfigureAwait(false) > 0)
                    {
                        await client.SendAsync("garbage\n"u8.ToArray()).ConfigureAwait(false);
                    }
                }
            }
        });
    }

    [OneTimeTearDown]
    public void RemoveOddPaths()
    {
        s_garbage?.Dispose();
        s_busyUdp?.Dispose();
        s_busyTcp?.Stop();
        s_busyTcp?.Dispose();
        if (s_dir.Length > 0)
        {
            Directory.Delete(s_dir, recursive: true);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void The_output_is_in_our_words(OddCase c)
    {
        string Fill(string s) => s
            .Replace("{T}", s_dir, StringComparison.Ordinal)
            .Replace("{UDP}", ((IPEndPoint)s_busyUdp!.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{TCP}", ((IPEndPoint)s_busyTcp!.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        string args = Fill(c.Args);
        if (c.Config is not null)
        {
            string config = Path.Combine(s_dir, $"c-{Guid.NewGuid():N}.json");
            File.WriteAllText(config, Fill(c.Config), new UTF8Encoding(false));
            args = args.Replace("{C}", config, StringComparison.Ordinal);
        }

        string expect = Fill(c.Expect);
        using DaemonProcess process = DaemonProcess.Start(args);

        // Commands end by themselves; a daemon that retries is ended once it said what we wait for.
        bool said = process.WaitForLine(expect, DeadlineMs);
        if (process.WaitForExit(said ? 2_000 : 0) is null)
        {
            process.Signal(15);
            Assert.That(process.WaitForExit(10_000), Is.Not.Null, $"cpworker {args} did not end on SIGTERM:\n{process.Output}");
        }

        Assert.That(said, Is.True, $"cpworker {args} did not say \"{expect}\":\n{process.Output}");
        Match leak = DotNetWording().Match(process.Output);
        Assert.That(leak.Success, Is.False, $"cpworker {args} printed .NET's own words (\"{leak.Value}\"):\n{process.Output}");
    }
}
