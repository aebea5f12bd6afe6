using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Tests.Configuration;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Capture;

/// <summary>
/// A capture source is a plug-in: what the loader accepts, whether a task is a replay, which loop
/// guard and snaplen it runs with and how it is described all come from its <see cref="SourceType"/>.
/// </summary>
public sealed class SourceTypeTests
{
    private static readonly LibpcapCaptureConfig s_live = new() { Interface = "eth7", Snaplen = 1500, Netns = "/run/netns/a" };
    private static readonly LibpcapCaptureConfig s_unguarded = new() { Interface = "eth7", NotFilterOutputHosts = true };
    private static readonly PcapFileCaptureConfig s_file = new() { FileName = "/data/x.pcap" };
    private static readonly CustomCaptureConfig s_customReplay = new(() => new FakeSource([])) { IsReplay = true };
    private static readonly CustomCaptureConfig s_customLive = new(() => new FakeSource([]));

    [Test]
    public void Each_capturer_has_exactly_one_type()
    {
        foreach (CaptureConfig config in new CaptureConfig[] { s_live, s_file, s_customReplay })
        {
            SourceType type = SourceTypes.For(config);
            Assert.That(type.Handles(config), Is.True, config.GetType().Name);
        }

        Assert.That(SourceTypes.For(s_live).Name, Is.EqualTo("libpcap"));
        Assert.That(SourceTypes.For(s_file).Name, Is.EqualTo("pcap_file"));
        Assert.That(SourceTypes.For(s_customReplay).Name, Is.Null, "sources given in code are not named in a configuration");
    }

    [Test]
    public void Whether_a_task_is_a_replay_is_the_source_types_answer()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SourceTypes.IsReplay(s_live), Is.False);
            Assert.That(SourceTypes.IsReplay(s_file), Is.True);
            Assert.That(SourceTypes.IsReplay(s_customReplay), Is.True);
            Assert.That(SourceTypes.IsReplay(s_customLive), Is.False);
        });
    }

    [Test]
    public void Only_live_captures_run_with_the_loop_guard()
    {
        const string guard = "udp dst port 4789";
        Assert.Multiple(() =>
        {
            Assert.That(LoopGuardFilter.ForTask(Task(s_live), guard), Is.EqualTo(guard));
            Assert.That(LoopGuardFilter.ForTask(Task(s_unguarded), guard), Is.Null, "not_filter_output_hosts");
            Assert.That(LoopGuardFilter.ForTask(Task(s_file), guard), Is.Null, "a file cannot recapture what we send");
            Assert.That(LoopGuardFilter.ForTask(Task(s_customReplay), guard), Is.Null);
        });
    }

    [Test]
    public void Snaplen_interface_and_description_come_from_the_type()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SourceTypes.For(s_live).Snaplen(s_live), Is.EqualTo(1500));
            Assert.That(SourceTypes.For(s_file).Snaplen(s_file), Is.EqualTo(LibpcapCaptureConfig.MaxSnaplen));
            Assert.That(SourceTypes.For(s_live).CaptureInterface(s_live), Is.EqualTo("eth7"));
            Assert.That(SourceTypes.For(s_file).CaptureInterface(s_file), Is.Null);
            Assert.That(SourceTypes.For(s_live).Describe(s_live), Is.EqualTo("interface eth7 in /run/netns/a"));
            Assert.That(SourceTypes.For(s_file).Describe(s_file), Is.EqualTo("file /data/x.pcap"));
        });
    }

    [Test]
    public void The_loader_reads_every_named_type_and_names_them_all_when_the_type_is_unknown()
    {
        ConfigLoadResult unknown = ConfigTestSupport.Load(ConfigTestSupport.Edit(ConfigTestSupport.Minimal, "tasks[0].capturer.type=\"af_packet\""));
        Assert.That(unknown.Diagnostics.Items.Select(d => d.Message), Has.Some.Contains("known types: " + string.Join(" or ", SourceTypes.Names.Select(n => $"\"{n}\""))));

        ConfigLoadResult file = ConfigTestSupport.Load(ConfigTestSupport.Edit(
            ConfigTestSupport.Minimal, "-tasks[0].capturer.libpcap", "tasks[0].capturer.type=\"pcap_file\"", "tasks[0].capturer.pcap_file.file_name=\"/data/x.pcap\""));
        Assert.That(file.Config?.Tasks[0].Capturer, Is.EqualTo(s_file), string.Join("\n", file.Diagnostics.Items));
    }

    private static TaskConfig Task(CaptureConfig capturer) => new() { Name = "t", Capturer = capturer };
}
