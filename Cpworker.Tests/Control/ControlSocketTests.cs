using System.Net.Sockets;
using System.Runtime.Versioning;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Control;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>The socket file (mode, stale and live files, removal) and who may connect (peer credentials).</summary>
[CancelAfter(60_000)]
[SupportedOSPlatform("linux")]
public class ControlSocketTests
{
    private static CpworkerConfig Idle() => new()
    {
        Tasks = [ControlFixture.Task("idle", () => new FakeSource([], lossless: false), new RecordingSink())],
    };

    [Test]
    public async Task The_socket_is_mode_0600_in_a_created_directory_and_removed_at_stop()
    {
        ControlFixture f = ControlFixture.Start(Idle());
        string path = f.SocketPath;
        try
        {
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(Directory.Exists(Path.GetDirectoryName(path)), Is.True);
        }
        finally
        {
            await f.Server.DisposeAsync();
        }

        Assert.That(File.Exists(path), Is.False, "removed at stop");
        await f.DisposeAsync();
    }

    [Test]
    public async Task A_stale_socket_file_is_replaced_and_a_live_one_refused()
    {
        string dir = ControlFixture.NewDirectory();
        string path = Path.Combine(dir, "ctl.sock");
        try
        {
            // A stale file: bound by a process that died (.NET would unlink it on dispose; Python does not).
            Run.Checked("/usr/bin/python3", $"-c \"import socket; socket.socket(socket.AF_UNIX).bind('{path}')\"");

            Assert.That(File.Exists(path), Is.True);
            ControlTarget target = Target();
            await using (ControlServer server = ControlServer.Bind(path, target, new ListLogger()))
            {
                server.Start();
                using RawClient c = RawClient.Handshaken(path);

                // Another instance while this one answers: refused, and the live socket survives.
                var ex = Assert.Throws<ControlSocketException>(() => ControlServer.Bind(path, target, new ListLogger()));
                Assert.That(ex!.Message, Does.Contain("is in use by process " + Environment.ProcessId));
                Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
            }

            // Not a socket: never deleted.
            File.WriteAllText(path, "precious");
            var notSocket = Assert.Throws<ControlSocketException>(() => ControlServer.Bind(path, target, new ListLogger()));
            Assert.That(notSocket!.Message, Does.Contain("is not a socket"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("precious"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task Peer_credentials_name_the_connecting_process()
    {
        await using ControlFixture f = ControlFixture.Start(Idle());
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(f.SocketPath));

        // Read from the client side: the credentials of the listening process, i.e. us.
        PeerCredentials peer = PeerCredentials.Of(s);
        Assert.That(peer.Pid, Is.EqualTo(Environment.ProcessId));
        Assert.That(peer.Uid, Is.EqualTo(PeerCredentials.OwnUid));
        Assert.That(PeerCredentials.IsAllowed(0, 1000), Is.True, "root");
        Assert.That(PeerCredentials.IsAllowed(1000, 1000), Is.True, "the daemon's user");
        Assert.That(PeerCredentials.IsAllowed(65534, 1000), Is.False, "anyone else");
    }

    [Category(TestCategories.Root)]
    [Test]
    public async Task Another_user_is_refused_by_its_peer_credentials_even_when_the_file_mode_would_let_it_in()
    {
        if (PeerCredentials.OwnUid != 0)
        {
            Assert.Ignore("needs root to run a client as nobody");
        }

        await using ControlFixture f = ControlFixture.Start(Idle());

        // 0600 already stops other users at connect(); open the file (and its directories) so that
        // the connection gets through and the SO_PEERCRED check itself is what refuses it.
        File.SetUnixFileMode(f.SocketPath, (UnixFileMode)0x1B6); // 0666
        File.SetUnixFileMode(Path.GetDirectoryName(f.SocketPath)!, (UnixFileMode)0x1ED); // 0755
        File.SetUnixFileMode(f.Directory, (UnixFileMode)0x1ED);
        string script =
            "import socket,sys\n" +
            "s=socket.socket(socket.AF_UNIX,socket.SOCK_STREAM)\n" +
            "s.settimeout(5)\n" +
            $"s.connect('{f.SocketPath}')\n" +
            "s.sendall(b'{\"version\":\"v1\"}\\n{\"command\":\"ping\"}\\n')\n" +
            "data=b''\n" +
            "while True:\n" +
            "    chunk=s.recv(4096)\n" +
            "    if not chunk: break\n" +
            "    data+=chunk\n" +
            "print('RECEIVED:'+data.decode())\n" +
            "print('CLOSED')\n";
        string file = Path.Combine(f.Directory, "client.py");
        File.WriteAllText(file, script);
        File.SetUnixFileMode(file, (UnixFileMode)0x1A4); // 0644
        (int code, string stdout, string stderr) = Run.Command("setpriv", $"--reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 {file}", 20_000);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("permission denied: uid 65534 may not use this control socket"));
        Assert.That(stdout, Does.Not.Contain("ts_ms"), "no command was served");
        Assert.That(stdout, Does.Contain("CLOSED"));
        Assert.That(f.Log.Contains("refused pid"), Is.True);

        // Root still gets in.
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
    }

    private static ControlTarget Target() => new()
    {
        Engine = new Cpworker.Engine.Runtime.CpworkerEngine(new CpworkerConfig(), new Cpworker.Engine.Outputs.OutputTypeRegistry()),
        ConfigPath = "/dev/null",
        LogLevel = new Host.Logging.LogLevelSwitch(Microsoft.Extensions.Logging.LogLevel.Information),
        RequestReload = () => { },
        RequestShutdown = () => { },
    };
}
