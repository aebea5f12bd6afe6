using System.Text.RegularExpressions;
using Cpworker.Host.Cli;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// <c>cpworker completion bash|zsh</c> run by the real shells, and the man page
/// (<c>deploy/man/cpworker.1</c>) rendered by <c>man -l</c> and kept in step with the command tree.
/// </summary>
[CancelAfter(60_000)]
public class CompletionAndManPageTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cpw-compl-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string Script(string shell)
    {
        var stdout = new StringWriter();
        Assert.That(Cpworker.Host.Cli.CommandLine.Run(["completion", shell], stdout, new StringWriter()), Is.Zero);
        return stdout.ToString();
    }

    /// <summary>What bash offers after the words typed so far (the last one is being completed).</summary>
    private string Bash(params string[] words)
    {
        string script = Path.Combine(_dir, "cpworker.bash");
        File.WriteAllText(script, Script("bash"));
        string array = string.Join(' ', words.Select(w => $"'{w}'"));
        File.WriteAllText(Path.Combine(_dir, "t.sh"), $"source '{script}'\nCOMP_WORDS=(cpworker {array}); COMP_CWORD={words.Length}; _cpworker; printf '%s\\n' \"${{COMPREPLY[@]}}\" | sort\n");
        return Run.Checked("bash", $"\"{_dir}/t.sh\"").Trim();
    }

    /// <summary>What zsh offers: compadd and _files are stand-ins that print what they were given.</summary>
    private string Zsh(params string[] words)
    {
        string script = Path.Combine(_dir, "_cpworker");
        File.WriteAllText(script, Script("zsh"));
        string array = string.Join(' ', words.Select(w => $"'{w}'"));
        File.WriteAllText(Path.Combine(_dir, "t.zsh"),
            "compdef() { : }\ncompadd() { [[ $1 == -- ]] && shift; printf '%s\\n' \"$@\" | sort }\n_files() { print '<files>' }\n" +
            $"source '{script}'\nwords=(cpworker {array}); CURRENT={words.Length + 1}; _cpworker\n");
        return Run.Checked("zsh", $"-f \"{_dir}/t.zsh\"").Trim();
    }

    [Test]
    public void Bash_completes_commands_subcommands_options_and_values()
    {
        Assert.That(Bash(""), Is.EqualTo("completion\nctl\ninterfaces\nrun\nvalidate"));
        Assert.That(Bash("ctl", "st"), Is.EqualTo("stats"));
        Assert.That(Bash("ctl", "-s", "/run/x.sock", "sh"), Is.EqualTo("shutdown"), "an option's value is not a command word");
        Assert.That(Bash("ctl", "log-level", ""), Is.EqualTo("DEBUG\nERROR\nINFO\nWARN"));
        Assert.That(Bash("run", "--log-format", ""), Is.EqualTo("json\nsystemd\ntext"));
        Assert.That(Bash("ctl", "stats", "--in"), Is.EqualTo("--interval"));
        Assert.That(Bash("validate", "--"), Is.EqualTo("--config\n--help\n--host\n--strict"));
        File.WriteAllText(Path.Combine(_dir, "probe.json"), "{}");
        Assert.That(Bash("validate", "-c", Path.Combine(_dir, "pro")), Is.EqualTo(Path.Combine(_dir, "probe.json")));
    }

    [Test]
    public void Zsh_completes_the_same_way()
    {
        Assert.That(Zsh(""), Is.EqualTo("completion\nctl\ninterfaces\nrun\nvalidate"));
        Assert.That(Zsh("ctl", "-c", "x.json", ""), Is.EqualTo("info\nlog-level\nping\nreload\nshutdown\nstats\ntasks"));
        Assert.That(Zsh("--log-format", ""), Is.EqualTo("json\nsystemd\ntext"));
        Assert.That(Zsh("interfaces", "--netns", ""), Is.EqualTo("<files>"));
        Assert.That(Zsh("completion", ""), Is.EqualTo("bash\nzsh"));
        Assert.That(Run.Command("zsh", $"-n \"{_dir}/_cpworker\"").ExitCode, Is.Zero, "valid zsh");
    }

    [Test]
    public void The_man_page_renders_without_warnings_and_names_every_command_and_option()
    {
        string page = Repository.PathOf("deploy", "man", "cpworker.1");
        var groff = Run.Command("groff", $"-man -ww -z \"{page}\"");
        Assert.That((groff.ExitCode, groff.Stderr), Is.EqualTo((0, "")), "groff warnings");
        var man = Run.Command("man", $"-l \"{page}\"");
        Assert.That(man.ExitCode, Is.Zero, man.Stderr);
        string text = Regex.Replace(man.Stdout, ".\b", ""); // no overstrike, if the pager left any
        Assert.That(text, Does.Contain("CPWORKER(1)").And.Contain("SYNOPSIS").And.Contain("EXIT STATUS"));

        // Every subcommand and long option of the command tree is documented.
        CompletionModel model = CompletionModel.From(CommandLineTree());
        foreach (CompletionModel.Node node in model.Nodes)
        {
            foreach (string word in node.Subcommands.Concat(node.Options.Where(o => o.StartsWith("--", StringComparison.Ordinal))))
            {
                Assert.That(text, Does.Contain(word), $"the man page does not mention {word} (of \"cpworker {node.Path}\")");
            }
        }
    }

    private static System.CommandLine.Command CommandLineTree() => Cpworker.Host.Cli.CommandLine.BuildForTests();
}
