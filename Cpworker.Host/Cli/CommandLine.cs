using System.CommandLine;
using System.Text.RegularExpressions;
using Cpworker.Host.Daemon;
using Cpworker.Host.Logging;

namespace Cpworker.Host.Cli;

/// <summary>The <c>cpworker</c> command line (docs/operations.md, "Command line").</summary>
internal static partial class CommandLine
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
                stderr.WriteLine($"cpworker: {InOurWords(e.Message)}");
            }

            stderr.WriteLine("Try 'cpworker --help'.");
            return ExitCodes.BadConfig;
        }

        // Signals are the daemon's business (graceful stop, second signal, SIGHUP reload).
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        return parsed.Invoke(invocation);
    }

    /// <summary>
    /// System.CommandLine names .NET types when a value does not convert ("… as expected type
    /// 'System.Int32'"); an operator is told what the option takes instead.
    /// </summary>
    internal static string InOurWords(string message)
    {
        Match m = ConversionError().Match(message);
        if (!m.Success)
        {
            return message;
        }

        string takes = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt16" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            _ => "a valid value",
        };
        return $"{m.Groups["option"].Value}: \"{m.Groups["value"].Value}\" is not {takes}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command) '(?<option>.*)' as expected type '(?<type>[^']*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex ConversionError();

    /// <summary>The command tree, for tests that check what documents it (man page, completion).</summary>
    internal static RootCommand BuildForTests() => Build(TextWriter.Null, TextWriter.Null);

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
        Option<LogFormat> rootLogFormat = LogFormatOption();
        root.Options.Add(rootConfig);
        root.Options.Add(rootExitAtEof);
        root.Options.Add(rootLogFormat);
        root.SetAction(parse =>
        {
            string? config = parse.GetValue(rootConfig);
            if (string.IsNullOrEmpty(config))
            {
                stderr.WriteLine("cpworker: -c FILE is required (cpworker -c FILE, cpworker run -c FILE, cpworker --help)");
                return ExitCodes.BadConfig;
            }

            return RunDaemon(config, parse.GetValue(rootExitAtEof), parse.GetValue(rootLogFormat));
        });

        var run = new Command("run", "Run the daemon (the same as cpworker -c FILE).");
        Option<string> runConfig = ConfigOption(required: true);
        Option<bool> runExitAtEof = ExitAtEofOption();
        Option<LogFormat> runLogFormat = LogFormatOption();
        run.Options.Add(runConfig);
        run.Options.Add(runExitAtEof);
        run.Options.Add(runLogFormat);
        var watchConfig = new Option<bool>("--watch-config") { Description = "Reload when the config file changes on disk (a ConfigMap update), as SIGHUP does." };
        run.Options.Add(watchConfig);
        run.SetAction(parse => RunDaemon(parse.GetValue(runConfig)!, parse.GetValue(runExitAtEof), parse.GetValue(runLogFormat), parse.GetValue(watchConfig)));
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
        root.Subcommands.Add(Recv.RecvCommand.Build(stdout, stderr));
        root.Subcommands.Add(InterfacesCommand.Build(stdout, stderr));
        root.Subcommands.Add(CompletionCommand.Build(stdout));
        return root;
    }

    private static Option<string> ConfigOption(bool required) =>
        new("--config", "-c") { Description = "Configuration file (JSON).", Required = required, HelpName = "FILE" };

    private static Option<bool> ExitAtEofOption() =>
        new("--exit-at-eof") { Description = "Exit cleanly once every pcap_file task has replayed its file." };

    private static Option<LogFormat> LogFormatOption()
    {
        var option = new Option<LogFormat>("--log-format")
        {
            Description = "Log line format on stderr: text (the C format, default), json (one object per line), systemd (journald priorities).",
            HelpName = "text|json|systemd",
            DefaultValueFactory = _ => LogFormat.Text,
            CustomParser = r => r.Tokens.Single().Value.ToLowerInvariant() switch
            {
                "text" => LogFormat.Text,
                "json" => LogFormat.Json,
                "systemd" => LogFormat.Systemd,
                string other => Fail(r, other),
            },
        };
        option.CompletionSources.Clear(); // not the enum's names: the lower-case words the option takes
        option.CompletionSources.Add("text", "json", "systemd");
        return option;

        static LogFormat Fail(System.CommandLine.Parsing.ArgumentResult r, string value)
        {
            r.AddError($"--log-format must be text, json or systemd, not \"{value}\"");
            return LogFormat.Text;
        }
    }

    private static int RunDaemon(string config, bool exitAtEof, LogFormat logFormat, bool watchConfig = false)
    {
        if (!File.Exists(config))
        {
            Console.Error.WriteLine($"cpworker: {config}: no such file");
            return ExitCodes.BadConfig;
        }

        try
        {
            var daemon = new DaemonHost(config, exitAtEof, logFormat: logFormat) { WatchConfigInterval = watchConfig ? TimeSpan.FromSeconds(1) : null };
            return daemon.RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-ddTHH:mm:ss} ERROR cpworker failed: {ex}");
            return ExitCodes.Failure;
        }
    }
}
