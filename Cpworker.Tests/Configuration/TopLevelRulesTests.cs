using Cpworker.Engine.Configuration;
using Microsoft.Extensions.Logging;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "Top level": log_level, cpu_affinity, execution_model, pipeline, control, tasks.</summary>
public sealed class TopLevelRulesTests
{
    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("log_level unknown", ["log_level=\"VERBOSE\""], "log_level", "must be \"DEBUG\", \"INFO\", \"WARN\" or \"ERROR\" (any case), not \"VERBOSE\"");
        yield return Case("log_level not a string", ["log_level=3"], "log_level", "must be a string, not a number (3)");
        yield return Case("cpu_affinity open range", ["cpu_affinity=\"1-\""], "cpu_affinity", "\"1-\" is not a CPU number or range");
        yield return Case("cpu_affinity word", ["cpu_affinity=\"all\""], "cpu_affinity", "\"all\" is not a CPU number or range");
        yield return Case("cpu_affinity backwards", ["cpu_affinity=\"5-2\""], "cpu_affinity", "range \"5-2\" runs backwards");
        yield return Case("cpu_affinity repeated", ["cpu_affinity=\"1,2-3,1\""], "cpu_affinity", "CPU 1 is listed more than once");
        yield return Case("cpu_affinity empty item", ["cpu_affinity=\"1,,2\""], "cpu_affinity", "has an empty item");
        yield return Case("cpu_affinity beyond mask", ["cpu_affinity=\"1024\""], "cpu_affinity", "CPUs 0 … 1023");
        yield return Case("cpu_affinity not a string", ["cpu_affinity=1"], "cpu_affinity", "must be a string");
        yield return Case("execution_model unknown", ["execution_model=\"threads\""], "execution_model", "must be \"rtc\" or \"pipeline\", not \"threads\"");
        yield return Case("pipeline without pipeline object", ["execution_model=\"pipeline\""], "pipeline.buffer_size_mb", "is required when execution_model is \"pipeline\"");
        yield return Case("pipeline without buffer size", ["execution_model=\"pipeline\"", "pipeline={}"], "pipeline.buffer_size_mb", "is required when execution_model is \"pipeline\"");
        yield return Case("pipeline buffer zero", ["execution_model=\"pipeline\"", "pipeline={\"buffer_size_mb\":0}"], "pipeline.buffer_size_mb", "must be between 1 and 65536, not 0");
        yield return Case("pipeline buffer zero under rtc", ["pipeline={\"buffer_size_mb\":0}"], "pipeline.buffer_size_mb", "must be between 1 and 65536");
        yield return Case("pipeline not an object", ["pipeline=256"], "pipeline", "must be an object, not a number (256)");
        yield return Case("control type missing", ["control={\"unix\":{\"path\":\"/run/c.sock\"}}"], "control.type", "is required");
        yield return Case("control type tcp", ["control={\"type\":\"tcp\"}"], "control.type", "must be \"unix\", not \"tcp\"");
        yield return Case("control unix missing", ["control={\"type\":\"unix\"}"], "control.unix", "is required");
        yield return Case("control path missing", ["control={\"type\":\"unix\",\"unix\":{}}"], "control.unix.path", "is required");
        yield return Case("control path empty", ["control={\"type\":\"unix\",\"unix\":{\"path\":\"\"}}"], "control.unix.path", "must not be empty");
        yield return Case("control path too long", [$"control={{\"type\":\"unix\",\"unix\":{{\"path\":\"/{new string('s', 107)}\"}}}}"], "control.unix.path", "is 108 bytes long; a Unix socket path has at most 107 bytes");
        yield return Case("control path unset variable", ["control={\"type\":\"unix\",\"unix\":{\"path\":\"$RUN_DIR/c.sock\"}}"], "control.unix.path", "environment variable RUN_DIR is not set");
        yield return Case("tasks missing", ["-tasks"], "tasks", "is required");
        yield return Case("tasks not an array", ["tasks={}"], "tasks", "must be an array, not an object");
        yield return Case("task not an object", ["tasks[1]=3"], "tasks[1]", "must be an object, not a number (3)");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string[] edits, string path, string message) =>
        AssertSingleError(Load(Edit(Minimal, edits)), path, message);

    [TestCase("DEBUG", LogLevel.Debug)]
    [TestCase("debug", LogLevel.Debug)]
    [TestCase("Info", LogLevel.Information)]
    [TestCase("warn", LogLevel.Warning)]
    [TestCase("ERROR", LogLevel.Error)]
    public void Log_level_is_case_insensitive(string text, LogLevel expected) =>
        Assert.That(AssertClean(Load(Edit(Minimal, $"log_level=\"{text}\""))).LogLevel, Is.EqualTo(expected));

    [Test]
    public void Defaults_apply_when_keys_are_absent()
    {
        CpworkerConfig config = AssertClean(Load(Minimal));
        Assert.That(config.LogLevel, Is.EqualTo(LogLevel.Information));
        Assert.That(config.CpuAffinity, Is.Null);
        Assert.That(config.ExecutionModel, Is.EqualTo(ExecutionModel.Rtc));
        Assert.That(config.PipelineBufferSizeMb, Is.Null);
        Assert.That(config.ControlSocketPath, Is.Null);
        Assert.That(config.Tasks, Has.Count.EqualTo(1));
    }

    [TestCase("1", new[] { 1 })]
    [TestCase("1,3", new[] { 1, 3 })]
    [TestCase("2-5,8", new[] { 2, 3, 4, 5, 8 })]
    [TestCase("8, 0-1", new[] { 8, 0, 1 })]
    [TestCase("0-0", new[] { 0 })]
    public void Cpu_affinity_lists_cpus_in_pinning_order(string text, int[] expected) =>
        Assert.That(AssertClean(Load(Edit(Minimal, $"cpu_affinity=\"{text}\""))).CpuAffinity, Is.EqualTo(expected));

    [Test]
    public void Empty_cpu_affinity_means_no_restriction() =>
        Assert.That(AssertClean(Load(Edit(Minimal, "cpu_affinity=\"\""))).CpuAffinity, Is.Null);

    [Test]
    public void Pipeline_model_takes_its_buffer_size()
    {
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, "execution_model=\"pipeline\"", "pipeline={\"buffer_size_mb\":128}")));
        Assert.That(config.ExecutionModel, Is.EqualTo(ExecutionModel.Pipeline));
        Assert.That(config.PipelineBufferSizeMb, Is.EqualTo(128));
    }

    [Test]
    public void Control_socket_path_is_expanded_and_kept_as_written()
    {
        var env = new Dictionary<string, string> { ["RUN_DIR"] = "/run/cpw" };
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, "control={\"type\":\"unix\",\"unix\":{\"path\":\"${RUN_DIR}/cpworker.sock\"}}"), env));
        Assert.That(config.ControlSocketPath, Is.EqualTo("/run/cpw/cpworker.sock"));
    }

    [Test]
    public void Control_socket_path_of_107_bytes_is_accepted() =>
        AssertClean(Load(Edit(Minimal, $"control={{\"type\":\"unix\",\"unix\":{{\"path\":\"/{new string('s', 106)}\"}}}}")));

    [Test]
    public void An_empty_task_list_is_valid() =>
        Assert.That(AssertClean(Load("""{"tasks": []}""")).Tasks, Is.Empty);

    private static TestCaseData Case(string name, string[] edits, string path, string message) =>
        new TestCaseData(edits, path, message).SetName(name);
}
