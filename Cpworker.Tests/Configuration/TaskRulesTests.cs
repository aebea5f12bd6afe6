using Cpworker.Engine.Configuration;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "Tasks": fingerprint, name, req_pattern, required parts, identity.</summary>
public sealed class TaskRulesTests
{
    private static readonly string SecondTask = """tasks[1]={"capturer":{"type":"libpcap","libpcap":{"interface":"eth1"}},"outputs":[]}""";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("fingerprint repeated", [SecondTask, "tasks[0].fingerprint=\"abc\"", "tasks[1].fingerprint=\"abc\""], "tasks[1].fingerprint", "\"abc\" is already the fingerprint of tasks[0]");
        yield return Case("fingerprint not a string", ["tasks[0].fingerprint=5"], "tasks[0].fingerprint", "must be a string");
        yield return Case("name repeated", [SecondTask, "tasks[0].name=\"edge\"", "tasks[1].name=\"edge\""], "tasks[1].name", "\"edge\" is already the name of tasks[0]");
        yield return Case("default name taken", [SecondTask, "tasks[0].name=\"task-1\""], "tasks[1]", "its default name \"task-1\" is already the name of tasks[0]");
        yield return Case("name with a space", ["tasks[0].name=\"my task\""], "tasks[0].name", "\"my task\" is not a valid task name");
        yield return Case("name empty", ["tasks[0].name=\"\""], "tasks[0].name", "is not a valid task name");
        yield return Case("req_pattern type unknown", ["tasks[0].req_pattern={\"type\":\"none\"}"], "tasks[0].req_pattern.type", "must be \"auto\" or \"custom\", not \"none\"");
        yield return Case("req_pattern type missing", ["tasks[0].req_pattern={}"], "tasks[0].req_pattern.type", "is required");
        yield return Case("req_pattern not an object", ["tasks[0].req_pattern=\"auto\""], "tasks[0].req_pattern", "must be an object");
        yield return Case("custom object missing", ["tasks[0].req_pattern={\"type\":\"custom\"}"], "tasks[0].req_pattern.custom", "is required");
        yield return Case("custom pattern missing", ["tasks[0].req_pattern={\"type\":\"custom\",\"custom\":{}}"], "tasks[0].req_pattern.custom.pattern", "is required");
        yield return Case("custom pattern not a string", ["tasks[0].req_pattern={\"type\":\"custom\",\"custom\":{\"pattern\":8011}}"], "tasks[0].req_pattern.custom.pattern", "must be a string");
        yield return Case("capturer missing", ["-tasks[0].capturer"], "tasks[0].capturer", "is required");
        yield return Case("outputs missing", ["-tasks[0].outputs"], "tasks[0].outputs", "is required");
        yield return Case("outputs not an array", ["tasks[0].outputs={\"type\":\"null\"}"], "tasks[0].outputs", "must be an array");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string[] edits, string path, string message) =>
        AssertSingleError(Load(Edit(Minimal, edits)), path, message);

    /// <summary>Needs <c>DirectionPatternSyntax.Check</c> (the direction work item); fails while that is a stub.</summary>
    [Test]
    public void A_pattern_syntax_error_is_reported_at_the_pattern() =>
        AssertSingleError(
            Load(Edit(Minimal, "tasks[0].req_pattern={\"type\":\"custom\",\"custom\":{\"pattern\":\"host 10.0.0.1 and\"}}")),
            "tasks[0].req_pattern.custom.pattern",
            "\"host 10.0.0.1 and\": ");

    [Test]
    public void Names_default_to_task_and_index_and_empty_fingerprints_may_repeat()
    {
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, SecondTask, "tasks[0].fingerprint=\"\"", "tasks[1].fingerprint=\"\"")));
        Assert.That(config.Tasks.Select(t => (t.Index, t.Name, t.Fingerprint)), Is.EqualTo(new[] { (0, "task-0", (string?)null), (1, "task-1", null) }));
    }

    [Test]
    public void Req_pattern_auto_and_custom_are_read()
    {
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, SecondTask,
            "tasks[0].req_pattern={\"type\":\"auto\"}",
            "tasks[1].req_pattern={\"type\":\"custom\",\"custom\":{\"pattern\":\"host nic.eth0 and port 8011\"}}")));
        Assert.That(config.Tasks[0].ReqPattern, Is.EqualTo(new AutoDirectionConfig()));
        Assert.That(config.Tasks[1].ReqPattern, Is.EqualTo(new CustomDirectionConfig("host nic.eth0 and port 8011")));
    }

    [Test]
    public void No_req_pattern_means_direction_not_checked() =>
        Assert.That(AssertClean(Load(Minimal)).Tasks[0].ReqPattern, Is.Null);

    [Test]
    public void An_auto_pattern_may_carry_an_unused_custom_object() =>
        AssertClean(Load(Edit(Minimal, "tasks[0].req_pattern={\"type\":\"auto\",\"custom\":{\"pattern\":\"port 1\"}}")));

    [Test]
    public void Identity_is_the_fingerprint_when_set()
    {
        TaskConfig a = AssertClean(Load(Edit(Minimal, "tasks[0].fingerprint=\"f1\""))).Tasks[0];
        TaskConfig b = AssertClean(Load(Edit(Minimal, "tasks[0].fingerprint=\"f1\"", "tasks[0].capturer.libpcap.interface=\"eth9\""))).Tasks[0];
        Assert.That(a.Identity, Is.EqualTo(b.Identity));
        Assert.That(a.Fingerprint, Is.EqualTo("f1"));
    }

    [Test]
    public void Identity_without_fingerprint_ignores_layout_comments_and_key_order()
    {
        const string compact = """{"tasks":[{"capturer":{"type":"libpcap","libpcap":{"interface":"eth0","snaplen":96}},"outputs":[{"type":"null"}]}]}""";
        const string reordered = """
            {
              "tasks": [
                {
                  // the same task, written differently
                  "outputs": [ { "type": "null" } ],
                  "capturer": { "libpcap": { "snaplen": 96, "interface": "eth0" }, "type": "libpcap" },
                }
              ]
            }
            """;
        string first = AssertClean(Load(compact)).Tasks[0].Identity;
        Assert.That(AssertClean(Load(reordered)).Tasks[0].Identity, Is.EqualTo(first));
        Assert.That(first, Does.Contain("\"snaplen\":96"));
    }

    [Test]
    public void Identity_without_fingerprint_changes_with_any_value()
    {
        string before = AssertClean(Load(Minimal)).Tasks[0].Identity;
        string after = AssertClean(Load(Edit(Minimal, "tasks[0].capturer.libpcap.snaplen=96"))).Tasks[0].Identity;
        Assert.That(after, Is.Not.EqualTo(before));
    }

    [Test]
    public void Identity_does_not_depend_on_the_position_of_the_task()
    {
        string alone = AssertClean(Load(Minimal)).Tasks[0].Identity;
        CpworkerConfig two = AssertClean(Load(Edit(Minimal,
            """tasks[0]={"name":"other","capturer":{"type":"libpcap","libpcap":{"interface":"eth1"}},"outputs":[]}""",
            """tasks[1]={"capturer":{"type":"libpcap","libpcap":{"interface":"eth0"}},"outputs":[{"type":"null"}]}""")));
        Assert.That(two.Tasks[1].Identity, Is.EqualTo(alone));
    }

    private static TestCaseData Case(string name, string[] edits, string path, string message) =>
        new TestCaseData(edits, path, message).SetName(name);
}
