using System.Text;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Tests.Capture;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>What a configuration may ask for (docs/configuration.md, "Limits"): refused quickly, with the reason.</summary>
[TestFixture]
public class ConfigLimitsTests
{
    private static string Tasks(int count, int outputs = 1, string extra = "")
    {
        var sb = new StringBuilder("{").Append(extra).Append("\"tasks\":[");
        for (int i = 0; i < count; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("{\"capturer\":{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"/data/in.pcap\"}},\"outputs\":[");
            sb.AppendJoin(',', Enumerable.Repeat("{\"type\":\"null\"}", outputs)).Append("]}");
        }

        return sb.Append("]}").ToString();
    }

    [Test]
    public void At_most_1024_tasks_by_default_refused_before_any_is_read()
    {
        Assert.That(Load(Tasks(1024)).Config!.Tasks, Has.Count.EqualTo(1024));
        // The last task is invalid: had the loader read the tasks, it would report that one too.
        string json = Tasks(100_000);
        int last = json.LastIndexOf("\"null\"", StringComparison.Ordinal);
        json = string.Concat(json.AsSpan(0, last), "\"no_such_output\"", json.AsSpan(last + 6));
        ConfigLoadResult result = Load(json);
        AssertSingleError(result, "tasks", "100000 tasks, more than max_tasks (1024); raise the top-level \"max_tasks\"");
    }

    [Test]
    public void Max_tasks_raises_and_lowers_the_bound()
    {
        Assert.That(Load(Tasks(1500, extra: "\"max_tasks\":2000,\"max_packet_threads\":2000,")).Config!.Tasks, Has.Count.EqualTo(1500));
        AssertSingleError(Load(Tasks(3, extra: "\"max_tasks\":2,")), "tasks", "3 tasks, more than max_tasks (2)");
        AssertSingleError(Load(Tasks(1, extra: "\"max_tasks\":0,")), "max_tasks", "must be between 1 and 65536, not 0");
    }

    [Test]
    public void At_most_64_outputs_per_task()
    {
        Assert.That(Load(Tasks(1, 64)).Config, Is.Not.Null);
        AssertSingleError(Load(Tasks(1, 65)), "tasks[0].outputs", "65 outputs, more than 64 per task");
    }

    [Test]
    public void At_most_1024_packet_threads_by_default_raisable_by_max_packet_threads()
    {
        const string pipeline = "\"execution_model\":\"pipeline\",\"pipeline\":{\"buffer_size_mb\":1},";
        Assert.That(Load(Tasks(128, 6, pipeline)).Config, Is.Not.Null, "128 × (2 + 6) = 1024 threads");
        AssertSingleError(Load(Tasks(128, 7, pipeline)), "tasks",
            "would run 1152 packet threads (pipeline: each capture thread, 1 per task and 1 per output), more than max_packet_threads (1024); raise the top-level \"max_packet_threads\"");
        Assert.That(Load(Tasks(1000, 7, "\"max_packet_threads\":9000," + pipeline)).Config, Is.Not.Null, "raised: 1000 × 9 = 9000");
        AssertSingleError(Load(Tasks(9000, 1, "\"max_tasks\":10000,")), "tasks", "would run 9000 packet threads (rtc: each capture thread)");
        AssertSingleError(Load(Tasks(1, 1, "\"max_packet_threads\":0,")), "max_packet_threads", "must be between 1 and 65536, not 0");
    }

    [Test]
    public void Fanout_capture_threads_count_against_the_bound()
    {
        string live = "{\"tasks\":[" + string.Join(',', Enumerable.Range(0, 17).Select(i =>
            $"{{\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"eth{i}\",\"threads\":64}}}},\"outputs\":[{{\"type\":\"null\"}}]}}")) + "]}";
        AssertSingleError(Load(live), "tasks", "would run 1088 packet threads (rtc: each capture thread), more than max_packet_threads (1024)");
        Assert.That(Load(live.Replace("{\"tasks\"", "{\"max_packet_threads\":1088,\"tasks\"", StringComparison.Ordinal)).Config, Is.Not.Null);
    }

    [Test]
    public void A_huge_or_special_configuration_file_is_refused_unread()
    {
        using var dir = new TempDirectory();
        string big = dir.File("big.json");
        using (FileStream f = File.Create(big))
        {
            f.SetLength(ConfigLoader.MaxConfigBytes + 1);
        }

        AssertSingleError(ConfigLoader.LoadFile(big, Registry), "", $"is {ConfigLoader.MaxConfigBytes + 1} bytes, more than {ConfigLoader.MaxConfigBytes}");
        string fifo = dir.File("fifo.json");
        Run.Checked("mkfifo", fifo);
        var load = Task.Run(() => ConfigLoader.LoadFile(fifo, Registry));
        Assert.That(load.Wait(TimeSpan.FromSeconds(10)), Is.True, "a FIFO is not opened");
        AssertSingleError(load.Result, "", "is a named pipe (FIFO), not a regular file");
    }

    [Test]
    public void Buffers_beyond_the_machines_memory_are_a_process_wide_host_error()
    {
        long memory = ConfigHostChecker.MachineMemoryMb()!.Value;
        int tasks = (int)(memory / 2047) + 1;
        var sb = new StringBuilder("{\"tasks\":[");
        for (int i = 0; i < tasks; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append("{\"capturer\":{\"type\":\"libpcap\",\"libpcap\":{\"interface\":\"lo\",\"buffer_size_mb\":2047}},\"outputs\":[]}");
        }

        CpworkerConfig config = Load(sb.Append("]}").ToString()).Config!;
        var diagnostics = new ConfigDiagnostics();
        ConfigHostChecker.Check(config, Registry, diagnostics);
        Assert.That(diagnostics.Errors.Select(d => d.Path), Is.EqualTo(new[] { "tasks" }), string.Join("\n", diagnostics.Items));
        Assert.That(diagnostics.Errors.Single().Message, Does.Contain($"{tasks * 2047L} MiB of capture buffers").And.Contain($"this machine's {memory} MiB"));
    }
}
