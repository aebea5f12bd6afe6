using Cpworker.Engine.Capture;
using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;

namespace Cpworker.Tests.Capture.Namespaces;

/// <summary>
/// Resolution over a /proc laid out by the test (cgroup files, <c>stat</c> start times and
/// <c>ns/net</c> links reading <c>net:[N]</c>, as the kernel's do).
/// </summary>
public class NetnsResolverTests
{
    private const string Uid = "0b9d8c7e-1111-4222-8333-944455556666";
    private string _proc = "";

    [SetUp]
    public void CreateProc() => _proc = Directory.CreateTempSubdirectory("cpwt-proc-").FullName;

    [TearDown]
    public void RemoveProc() => Directory.Delete(_proc, recursive: true);

    [Test]
    public void The_newest_process_of_the_pod_gives_the_namespace()
    {
        AddProcess(100, $"0::/kubepods/besteffort/pod{Uid}/aaa", start: 5000, inode: 4026532001);
        AddProcess(200, "0::/system.slice/sshd.service", start: 9000, inode: 4026531840);
        AddProcess(300, $"0::/kubepods/besteffort/pod{Uid}/bbb", start: 7000, inode: 4026532002);

        ResolvedNetns r = NetnsResolver.Resolve(new NetnsReference(NetnsReferenceKind.PodUid, Uid), _proc);

        Assert.That((r.Pid, r.Inode, r.Path), Is.EqualTo(((int?)300, 4026532002UL, $"{_proc}/300/ns/net")));
    }

    [Test]
    public void No_process_in_the_pod_is_a_clear_error()
    {
        AddProcess(200, "0::/system.slice/sshd.service", start: 9000, inode: 4026531840);
        var ex = Assert.Throws<CaptureException>(() => NetnsResolver.Resolve(new NetnsReference(NetnsReferenceKind.PodUid, Uid), _proc));
        Assert.That(ex!.Message, Does.Contain($"pod_uid {Uid}").And.Contain("no process"));
    }

    [Test]
    public void The_watch_reports_a_replaced_process_and_stays_quiet_otherwise()
    {
        var reference = new NetnsReference(NetnsReferenceKind.PodUid, Uid);
        AddProcess(100, $"0::/kubepods/pod{Uid}/aaa", start: 5000, inode: 4026532001);
        ResolvedNetns entered = NetnsResolver.Resolve(reference, _proc);
        Assert.That(NetnsWatch.Check(reference, entered, _proc), Is.Null);

        Directory.Delete(Path.Combine(_proc, "100"), recursive: true);
        Assert.That(NetnsWatch.Check(reference, entered, _proc), Does.Contain("is gone"));

        AddProcess(101, $"0::/kubepods/pod{Uid}/bbb", start: 6000, inode: 4026532009);
        Assert.That(NetnsWatch.Check(reference, entered, _proc), Does.Contain("now is net:[4026532009] (pid 101), was net:[4026532001] (pid 100)"));
    }

    [Test]
    public void A_stat_line_whose_command_has_spaces_and_parentheses_is_read()
    {
        AddProcess(100, $"0::/kubepods/pod{Uid}/a", start: 5000, inode: 1, command: "a) b (c");
        AddProcess(101, $"0::/kubepods/pod{Uid}/b", start: 4000, inode: 2);
        Assert.That(NetnsResolver.Resolve(new NetnsReference(NetnsReferenceKind.PodUid, Uid), _proc).Pid, Is.EqualTo(100));
    }

    private void AddProcess(int pid, string cgroup, ulong start, ulong inode, string command = "sleep")
    {
        string dir = Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(dir, "ns"));
        File.WriteAllText(Path.Combine(dir, "cgroup"), cgroup + "\n");
        // Fields 3 … 21 are zeros here; field 22 is the start time.
        File.WriteAllText(Path.Combine(dir, "stat"), $"{pid} ({command}) S {string.Join(' ', Enumerable.Repeat("0", 18))} {start} 0 0\n");
        File.CreateSymbolicLink(Path.Combine(dir, "ns", "net"), $"net:[{inode}]");
    }
}
