using System.CommandLine;
using Cpworker.Host.Daemon;

namespace Cpworker.Host.Cli;

/// <summary>The <c>cpworker</c> command line (docs/operations.md, "Command line").</summary>
internal static class CommandLine
{
    /// <summary>Parses and runs; returns the process exit code (2 for bad arguments).</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        RootCommand root = Build(stdout, stderr);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError e in parsed.Errors)
            {
                stderr.WriteLine($"cpworker: {e.Message}");
            }

            stderr.WriteLine("Try 'cpworker --help'.");
            return ExitCodes.BadConfig;
        }

        // Signals are the daemon's business (graceful stop, second signal, SIGHUP reload).
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return parsed.Invoke(invocation);
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("cpworker: capture packets with libpcap, tag their direction, forward them over GRE, VXLAN, ZeroMQ or into pcap files.");
        foreach (Option o in root.Options)
        {
            if (o is VersionOption)
            {
                o.Aliases.Add("-v");
            }
        }

        Option<string> rootConfig = ConfigOption(required: false);
        Option<bool> rootExitAtEof = ExitAtEofOption();
        root.Options.Add(rootConfig);
        root.Options.Add(rootExitAtEof);
        root.SetAction(parse =>
        {
            string? config = parse.GetValue(rootConfig);
            if (string.IsNullOrEmpty(config))
            {
                stderr.WriteLine("cpworker: -c FILE is required (cpworker -c FILE, cpworker run -c FILE, cpworker --help)");
                return ExitCodes.BadConfig;
            }

            return RunDaemon(config, parse.GetValue(rootExitAtEof));
        });

        var run = new Command("run", "Run the daemon (the same as cpworker -c FILE).");
        Option<string> runConfig = ConfigOption(required: true);
        Option<bool> runExitAtEof = ExitAtEofOption();
        run.Options.Add(runConfig);
        run.Options.Add(runExitAtEof);
        run.SetAction(parse => RunDaemon(parse.GetValue(runConfig)!, parse.GetValue(runExitAtEof)));
        root.Subcommands.Add(run);

        var validate = new Command("validate", "Check a configuration and exit: 0 valid, 2 invalid.");
        Option<string> validateConfig = ConfigOption(required: true);
        var host = new Option<bool>("--host") { Description = "Also check against this host: interfaces, netns, BPF, directories, control socket." };
        var strict = new Option<bool>("--strict") { Description = "Treat warnings as errors." };
        validate.Options.Add(validateConfig);
        validate.Options.Add(host);
        validate.Options.Add(strict);
        validate.SetAction(parse => ValidateCommand.Run(parse.GetValue(validateConfig)!, parse.GetValue(host), parse.GetValue(strict), stdout, stderr));
        root.Subcommands.Add(validate);
        root.Subcommands.Add(CtlCommand.Build(stdout, stderr));
        return root;
    }

    private static Option<string> ConfigOption(bool required) =>
        new("--config", "-c") { Description = "Configuration file (JSON).", Required = required, HelpName = "FILE" };

    private static Option<bool> ExitAtEofOption() =>
        new("--exit-at-eof") { Description = "Exit cleanly once every pcap_file task has replayed its file." };

    private static int RunDaemon(string config, bool exitAtEof)
    {
        if (!File.Exists(config))
        {
            Console.Error.WriteLine($"cpworker: {config}: no such file");
            return ExitCodes.BadConfig;
        }

        try
        {
            return new DaemonHost(config, exitAtEof).RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-ddTHH:mm:ss} ERROR cpworker failed: {ex}");
            return ExitCodes.Failure;
        }
    }
}
