using Cpworker.Engine.Configuration;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "Capturers": libpcap (with the C implementation's clamping), pcap_file, dpdk_pdump.</summary>
public sealed class CapturerRulesTests
{
    private const string Lp = "tasks[0].capturer.libpcap";
    private const string Pf = "tasks[0].capturer.pcap_file";
    private const string Replay = """tasks[0].capturer={"type":"pcap_file","pcap_file":{"file_name":"/data/in.pcap"}}""";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("type missing", ["-tasks[0].capturer.type"], "tasks[0].capturer.type", "is required");
        yield return Case("type unknown", ["tasks[0].capturer.type=\"af_packet\""], "tasks[0].capturer.type", "unknown capturer type \"af_packet\"; known types: \"libpcap\" or \"pcap_file\"");
        yield return Case("dpdk_pdump", ["tasks[0].capturer={\"type\":\"dpdk_pdump\",\"dpdk_pdump\":{\"interface\":\"0000:03:00.0\"}}"], "tasks[0].capturer.type", "dpdk_pdump is not supported");
        yield return Case("capturer not an object", ["tasks[0].capturer=\"libpcap\""], "tasks[0].capturer", "must be an object");
        yield return Case("libpcap object missing", ["-tasks[0].capturer.libpcap"], Lp, "is required");
        yield return Case("interface missing", [$"-{Lp}.interface"], $"{Lp}.interface", "is required");
        yield return Case("interface empty", [$"{Lp}.interface=\"\""], $"{Lp}.interface", "must not be empty");
        yield return Case("interface with slash", [$"{Lp}.interface=\"eth0/1\""], $"{Lp}.interface", "\"eth0/1\" is not a valid interface name");
        yield return Case("interface too long", [$"{Lp}.interface=\"abcdefghijklmnop\""], $"{Lp}.interface", "at most 15 bytes");
        yield return Case("snaplen not a number", [$"{Lp}.snaplen=\"2048\""], $"{Lp}.snaplen", "must be a number, not a string (\"2048\")");
        yield return Case("snaplen fractional", [$"{Lp}.snaplen=2048.5"], $"{Lp}.snaplen", "must be a whole number, not 2048.5");
        yield return Case("buffer fractional", [$"{Lp}.buffer_size_mb=1.5"], $"{Lp}.buffer_size_mb", "must be a whole number, not 1.5");
        yield return Case("buffer zero", [$"{Lp}.buffer_size_mb=0"], $"{Lp}.buffer_size_mb", "must be at least 1, not 0");
        yield return Case("buffer negative", [$"{Lp}.buffer_size_mb=-5"], $"{Lp}.buffer_size_mb", "must be at least 1, not -5");
        yield return Case("timeout negative", [$"{Lp}.timeout_ms=-1"], $"{Lp}.timeout_ms", "must be between 0 and 2147483647, not -1");
        yield return Case("threads zero", [$"{Lp}.threads=0"], $"{Lp}.threads", "must be 1 … 64, not 0");
        yield return Case("threads too many", [$"{Lp}.threads=65"], $"{Lp}.threads", "must be 1 … 64, not 65");
        yield return Case("reader unknown", [$"{Lp}.reader=\"mmap\""], $"{Lp}.reader", "must be \"auto\", \"libpcap\" or \"ring\", not \"mmap\"");
        yield return Case("threads fractional", [$"{Lp}.threads=1.5"], $"{Lp}.threads", "must be a whole number, not 1.5");
        yield return Case("netns not a string", [$"{Lp}.netns=1432897"], $"{Lp}.netns", "must be a string");
        yield return Case("netns unset variable", [$"{Lp}.netns=\"/proc/$TARGET_PID/ns/net\""], $"{Lp}.netns", "environment variable TARGET_PID is not set");
        yield return Case("netns object naming two", [$$"""{{Lp}}.netns={"name":"a","pod_uid":"0b9d8c7e-1111-4222-8333-944455556666"}"""], $"{Lp}.netns", "must name exactly one of name, container_id, pod_uid, cgroup (or be a path string); name and pod_uid given");
        yield return Case("netns object naming none", [$$"""{{Lp}}.netns={"pod":"x"}"""], $"{Lp}.netns", "none given");
        yield return Case("netns name with slash", [$$"""{{Lp}}.netns={"name":"a/b"}"""], $"{Lp}.netns.name", "\"a/b\" is not a namespace name");
        yield return Case("netns pod_uid not a uid", [$$"""{{Lp}}.netns={"pod_uid":"my-pod"}"""], $"{Lp}.netns.pod_uid", "is not a pod UID");
        yield return Case("netns container_id too short", [$$"""{{Lp}}.netns={"container_id":"abc"}"""], $"{Lp}.netns.container_id", "is not a container id (12 to 64 hexadecimal digits)");
        yield return Case("netns cgroup relative", [$$"""{{Lp}}.netns={"cgroup":"kubepods/x"}"""], $"{Lp}.netns.cgroup", "is not an absolute cgroup path");
        yield return Case("bpf not a string", [$"{Lp}.bpf=true"], $"{Lp}.bpf", "must be a string");
        yield return Case("not_filter_output_hosts not a boolean", [$"{Lp}.not_filter_output_hosts=\"yes\""], $"{Lp}.not_filter_output_hosts", "must be true or false");
        yield return Case("pcap_file object missing", ["tasks[0].capturer={\"type\":\"pcap_file\"}"], Pf, "is required");
        yield return Case("file_name missing", [Replay, $"-{Pf}.file_name"], $"{Pf}.file_name", "is required");
        yield return Case("file_name empty", [Replay, $"{Pf}.file_name=\"\""], $"{Pf}.file_name", "must not be empty");
        yield return Case("file_name unset variable", [Replay, $"{Pf}.file_name=\"$REPLAY_DIR/a.pcap\""], $"{Pf}.file_name", "environment variable REPLAY_DIR is not set");
        yield return Case("speed word", [Replay, $"{Pf}.speed=\"fast\""], $"{Pf}.speed", "must be \"max\" or a positive number");
        yield return Case("speed zero", [Replay, $"{Pf}.speed=0"], $"{Pf}.speed", "must be greater than 0, not 0");
        yield return Case("speed negative", [Replay, $"{Pf}.speed=-2"], $"{Pf}.speed", "must be greater than 0, not -2");
        yield return Case("speed vanishing", [Replay, $"{Pf}.speed=1e-300"], $"{Pf}.speed", "must be between 0.0001 and 1000000");
        yield return Case("speed huge", [Replay, $"{Pf}.speed=1e300"], $"{Pf}.speed", "must be between 0.0001 and 1000000");
        yield return Case("loop negative", [Replay, $"{Pf}.loop=-1"], $"{Pf}.loop", "must be between 0 and 2147483647, not -1");
        yield return Case("pcap_file bpf not a string", [Replay, $"{Pf}.bpf=1"], $"{Pf}.bpf", "must be a string");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string[] edits, string path, string message) =>
        AssertSingleError(Load(Edit(Minimal, edits)), path, message);

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(262145)]
    [TestCase(1000000)]
    public void An_out_of_range_snaplen_becomes_262144_with_a_warning(long snaplen)
    {
        CpworkerConfig config = AssertSingleWarning(Load(Edit(Minimal, $"{Lp}.snaplen={snaplen}")), $"{Lp}.snaplen", $"{snaplen} is outside 1 … 262144; using 262144");
        Assert.That(((LibpcapCaptureConfig)config.Tasks[0].Capturer).Snaplen, Is.EqualTo(262144));
    }

    [Test]
    public void A_buffer_above_2047_MB_becomes_2047_with_a_warning()
    {
        CpworkerConfig config = AssertSingleWarning(Load(Edit(Minimal, $"{Lp}.buffer_size_mb=4096")), $"{Lp}.buffer_size_mb", "4096 is above 2047; using 2047");
        Assert.That(((LibpcapCaptureConfig)config.Tasks[0].Capturer).BufferSizeMb, Is.EqualTo(2047));
    }

    [Test]
    public void Libpcap_defaults()
    {
        var live = (LibpcapCaptureConfig)AssertClean(Load(Minimal)).Tasks[0].Capturer;
        Assert.That(live, Is.EqualTo(new LibpcapCaptureConfig { Interface = "eth0" }));
        Assert.That(live.Threads, Is.EqualTo(1));
        Assert.That((live.Snaplen, live.BufferSizeMb, live.Netns, live.Bpf, live.NotFilterOutputHosts), Is.EqualTo((2048, 256, (string?)null, (string?)null, false)));
    }

    [Test]
    public void Libpcap_reads_every_key()
    {
        var live = (LibpcapCaptureConfig)AssertClean(Load(Edit(Minimal,
            $$"""{{Lp}}={"interface":"eth1","snaplen":262144,"netns":"$PCAP_STORE_PATH/ns","bpf":"tcp port 80","buffer_size_mb":2047,"timeout_ms":0,"not_filter_output_hosts":true,"threads":4,"reader":"ring"}"""))).Tasks[0].Capturer;
        Assert.That(live, Is.EqualTo(new LibpcapCaptureConfig
        {
            Interface = "eth1",
            Threads = 4,
            Snaplen = 262144,
            Netns = "/var/lib/pcap/ns",
            Bpf = "tcp port 80",
            BufferSizeMb = 2047,
            TimeoutMs = 0,
            NotFilterOutputHosts = true,
            Reader = LibpcapReader.Ring,
        }));
    }

    [Test]
    public void A_netns_object_names_a_pod_and_the_path_form_stays_a_path()
    {
        var pod = (LibpcapCaptureConfig)AssertClean(Load(Edit(Minimal, $$"""{{Lp}}.netns={"pod_uid":"0b9d8c7e-1111-4222-8333-944455556666"}"""))).Tasks[0].Capturer;
        Assert.That((pod.Netns, pod.NetnsReference), Is.EqualTo(((string?)null, new NetnsReference(NetnsReferenceKind.PodUid, "0b9d8c7e-1111-4222-8333-944455556666"))));
        var path = (LibpcapCaptureConfig)AssertClean(Load(Edit(Minimal, $"{Lp}.netns=\"/var/run/netns/blue\""))).Tasks[0].Capturer;
        Assert.That((path.Netns, path.NetnsReference), Is.EqualTo(("/var/run/netns/blue", new NetnsReference(NetnsReferenceKind.Path, "/var/run/netns/blue"))));
    }

    [Test]
    public void Empty_netns_and_bpf_mean_none()
    {
        var live = (LibpcapCaptureConfig)AssertClean(Load(Edit(Minimal, $"{Lp}.netns=\"\"", $"{Lp}.bpf=\"\""))).Tasks[0].Capturer;
        Assert.That((live.Netns, live.Bpf), Is.EqualTo(((string?)null, (string?)null)));
    }

    [Test]
    public void Pcap_file_defaults_replay_once_as_fast_as_possible()
    {
        var replay = (PcapFileCaptureConfig)AssertClean(Load(Edit(Minimal, Replay))).Tasks[0].Capturer;
        Assert.That(replay, Is.EqualTo(new PcapFileCaptureConfig { FileName = "/data/in.pcap", Speed = null, Loop = 1 }));
    }

    [TestCase("\"max\"", null)]
    [TestCase("1", 1.0)]
    [TestCase("0.5", 0.5)]
    [TestCase("10", 10.0)]
    public void Pcap_file_speed(string json, double? expected) =>
        Assert.That(((PcapFileCaptureConfig)AssertClean(Load(Edit(Minimal, Replay, $"{Pf}.speed={json}"))).Tasks[0].Capturer).Speed, Is.EqualTo(expected));

    [Test]
    public void Pcap_file_name_is_expanded_and_made_absolute()
    {
        var replay = (PcapFileCaptureConfig)AssertClean(Load(Edit(Minimal, Replay, $"{Pf}.file_name=\"in.pcap\"", $"{Pf}.loop=0", $"{Pf}.bpf=\"udp\""))).Tasks[0].Capturer;
        Assert.That(replay, Is.EqualTo(new PcapFileCaptureConfig { FileName = Path.Combine(Directory.GetCurrentDirectory(), "in.pcap"), Loop = 0, Bpf = "udp" }));
        var expanded = (PcapFileCaptureConfig)AssertClean(Load(Edit(Minimal, Replay, $"{Pf}.file_name=\"${{PCAP_STORE_PATH}}/in.pcap\""))).Tasks[0].Capturer;
        Assert.That(expanded.FileName, Is.EqualTo("/var/lib/pcap/in.pcap"));
    }

    [Test]
    public void Objects_of_the_other_capturer_types_are_ignored() =>
        AssertClean(Load(Edit(Minimal, "tasks[0].capturer.pcap_file={\"file_name\":7}", "tasks[0].capturer.dpdk_pdump={}")));

    private static TestCaseData Case(string name, string[] edits, string path, string message) =>
        new TestCaseData(edits, path, message).SetName(name);
}
