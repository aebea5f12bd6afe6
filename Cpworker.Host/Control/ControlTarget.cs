using Cpworker.Engine.Runtime;
using Cpworker.Host.Logging;

namespace Cpworker.Host.Control;

/// <summary>What the control socket reports on and acts upon: the daemon's engine and its few process-wide actions.</summary>
/// <remarks>The actions are called on the control server's tasks; they must return at once (a reload or a stop runs in the background).</remarks>
internal sealed class ControlTarget
{
    /// <summary>The running engine.</summary>
    public required CpworkerEngine Engine { get; init; }

    /// <summary>Absolute path of the configuration file (<c>info.config_path</c>).</summary>
    public required string ConfigPath { get; init; }

    /// <summary>The daemon's log level switch (<c>set_log_level</c>).</summary>
    public required LogLevelSwitch LogLevel { get; init; }

    /// <summary>Starts a reload of the configuration file in the background (<c>reload_config</c>).</summary>
    public required Action RequestReload { get; init; }

    /// <summary>Reloads and completes with the outcome (<c>reload_config</c> with <c>"wait": true</c>); null: such requests are answered at once, as without it.</summary>
    public Func<Task<ReloadOutcome>>? ReloadAndWait { get; init; }

    /// <summary>Starts a graceful stop, as SIGTERM does (<c>shutdown</c>).</summary>
    public required Action RequestShutdown { get; init; }

    /// <summary>When the daemon started (wall clock).</summary>
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>When the daemon started (monotonic, <see cref="Environment.TickCount64"/>), for the uptime.</summary>
    public long StartedTicks { get; init; } = Environment.TickCount64;
}
