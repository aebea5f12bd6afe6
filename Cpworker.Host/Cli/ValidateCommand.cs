using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Host.Daemon;
using Cpworker.Outputs;

namespace Cpworker.Host.Cli;

/// <summary><c>cpworker validate -c FILE [--host] [--strict]</c> (docs/configuration.md, "Checking a configuration").</summary>
internal static class ValidateCommand
{
    /// <summary>Checks the config, prints every problem, returns 0 (valid) or 2 (invalid).</summary>
    public static int Run(string path, bool checkHost, bool strict, TextWriter stdout, TextWriter stderr)
    {
        OutputTypeRegistry registry = StandardOutputs.CreateRegistry();
        ConfigLoadResult result = ConfigLoader.LoadFile(path, registry);
        var problems = new List<ConfigDiagnostic>(result.Diagnostics.Items);
        if (checkHost && result.Config is not null)
        {
            var host = new ConfigDiagnostics();
            ConfigHostChecker.Check(result.Config, registry, host);
            problems.AddRange(host.Items);
        }

        foreach (ConfigDiagnostic d in problems)
        {
            if (d.Severity == ConfigSeverity.Error)
            {
                stderr.WriteLine($"{path}: error: {d}");
            }
            else if (strict)
            {
                // "…, ignored" is what happens without --strict; under it the warning fails the check.
                string text = d.ToString().Replace("unknown key, ignored", "unknown key", StringComparison.Ordinal);
                stderr.WriteLine($"{path}: error: {text} (a warning, an error under --strict)");
            }
            else
            {
                stderr.WriteLine($"{path}: warning: {d}");
            }
        }

        int errors = problems.Count(d => d.Severity == ConfigSeverity.Error || strict);
        int warnings = problems.Count - errors;
        if (errors > 0)
        {
            stdout.WriteLine($"{path}: invalid ({errors} error(s), {warnings} warning(s))");
            return ExitCodes.BadConfig;
        }

        stdout.WriteLine($"{path}: valid ({result.Config!.Tasks.Count} task(s), {warnings} warning(s){(checkHost ? ", host checked" : "")})");
        return ExitCodes.Ok;
    }
}
