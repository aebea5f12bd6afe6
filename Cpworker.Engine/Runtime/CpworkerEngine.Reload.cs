using System.Diagnostics;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>Reload (docs/operations.md, "Reload"): swap the configuration without touching unchanged tasks.</summary>
public sealed partial class CpworkerEngine
{
    /// <summary>Serialises reloads: a second one waits until the first is complete.</summary>
    private readonly SemaphoreSlim _reloadGate = new(1, 1);

    /// <summary>
    /// Applies a new, already validated configuration. Tasks are matched by
    /// <see cref="TaskConfig.Identity"/>: an unchanged task keeps running untouched and loses no
    /// packet (when the outputs of other tasks change, its capture gets the new loop guard between
    /// two fills); changed tasks are stopped, drained and started anew (old first, so that they can
    /// reuse their interface, files and ports); removed tasks are drained and stopped; new ones start.
    /// Counters of stopped tasks stay in <see cref="GetTotals"/>.
    /// </summary>
    /// <remarks>
    /// <c>pipeline.buffer_size_mb</c>, <c>execution_model</c> and <c>cpu_affinity</c> apply to tasks
    /// started from now on (new and rebuilt tasks, and unchanged ones when they restart after a
    /// failure); an unchanged task keeps the buffer it has, since resizing it means a restart.
    /// <c>cpu_affinity</c> keeps its start value (the process is confined once). Reloads are
    /// serialised; a reload after <see cref="StopAsync"/> throws <see cref="InvalidOperationException"/>.
    /// </remarks>
    public async Task<ReloadSummary> ReloadAsync(CpworkerConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReloadUnderGateAsync(config).ConfigureAwait(false);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private async Task<ReloadSummary> ReloadUnderGateAsync(CpworkerConfig config)
    {
        var clock = Stopwatch.StartNew();
        TaskRunner[] current;
        CpworkerConfig before;
        lock (_gate)
        {
            if (!_started || _stopped)
            {
                throw new InvalidOperationException(_stopped ? "the engine is stopped" : "the engine is not started");
            }

            current = _runners.ToArray();
            before = Config;
        }

        // Match by identity; several tasks may share one (identical objects without names), so queue them.
        var byIdentity = new Dictionary<string, Queue<TaskRunner>>(StringComparer.Ordinal);
        foreach (TaskRunner r in current)
        {
            if (r.Config.Identity.Length > 0)
            {
                if (!byIdentity.TryGetValue(r.Config.Identity, out Queue<TaskRunner>? q))
                {
                    byIdentity[r.Config.Identity] = q = new Queue<TaskRunner>();
                }

                q.Enqueue(r);
            }
        }

        var plan = new List<(TaskConfig Task, TaskRunner? Kept)>(config.Tasks.Count);
        var kept = new HashSet<TaskRunner>();
        foreach (TaskConfig task in config.Tasks)
        {
            TaskRunner? match = task.Identity.Length > 0 && byIdentity.TryGetValue(task.Identity, out Queue<TaskRunner>? q) && q.Count > 0 ? q.Dequeue() : null;
            if (match is not null)
            {
                kept.Add(match);
            }

            plan.Add((task, match));
        }

        TaskRunner[] leaving = current.Where(r => !kept.Contains(r)).ToArray();
        var newNames = new HashSet<string>(plan.Where(p => p.Kept is null).Select(p => p.Task.Name), StringComparer.Ordinal);
        string[] rebuilt = leaving.Where(r => newNames.Contains(r.Config.Name)).Select(r => r.Config.Name).ToArray();
        string[] removed = leaving.Where(r => !newNames.Contains(r.Config.Name)).Select(r => r.Config.Name).ToArray();
        string[] added = plan.Where(p => p.Kept is null && !rebuilt.Contains(p.Task.Name)).Select(p => p.Task.Name).ToArray();
        LogModelChanges(before, config);

        // 1. Stop what leaves: it releases interfaces, files and ports that its successor may need.
        foreach (TaskRunner r in leaving)
        {
            RuntimeLog.TaskLeaving(_logger, r.Config.Name, newNames.Contains(r.Config.Name) ? "changed" : "removed");
        }

        await Task.WhenAll(leaving.Select(r => r.StopAsync(DefaultDrainTimeout))).ConfigureAwait(false);

        // 2. Swap the task list; stopped tasks' counters move to the retired totals in the same step,
        //    so that totals never count a task twice or lose it.
        string? guard = LoopGuardFilter.Build(config.Tasks, _registry);
        var starting = new List<TaskRunner>();
        bool engineStopped;
        lock (_gate)
        {
            foreach (TaskRunner r in leaving)
            {
                TaskSnapshot s = r.Status();
                _retiredCapture += s.Capture;
                foreach (OutputStatus o in s.Outputs)
                {
                    _retiredOutputs += o.Counters;
                }
            }

            _loopGuard = guard;
            var next = new List<TaskRunner>(plan.Count);
            var running = new List<TaskConfig>(plan.Count);
            foreach ((TaskConfig task, TaskRunner? match) in plan)
            {
                TaskRunner runner = match ?? CreateRunner(task, config);
                if (match is null)
                {
                    starting.Add(runner);
                }

                next.Add(runner);
                running.Add(runner.Config);
            }

            _runners = next;
            Config = config with { Tasks = running, CpuAffinity = before.CpuAffinity, ControlSocketPath = before.ControlSocketPath };
            engineStopped = _stopped;
        }

        // 3. Unchanged tasks: the new buffer budget for their next restart, and the new loop guard now.
        long pipelineBytes = PipelineBytes(config);
        int filtersUpdated = 0;
        foreach (TaskRunner r in kept)
        {
            r.SetPipelineBufferBytes(pipelineBytes);
            if (r.UpdateLoopGuard(guard))
            {
                filtersUpdated++;
            }
        }

        // 4. Start the new tasks, unless a stop came in meanwhile.
        if (!engineStopped)
        {
            foreach (TaskRunner r in starting)
            {
                r.Start();
            }
        }

        CheckReplays();
        return new ReloadSummary(
            plan.Where(p => p.Kept is not null).Select(p => p.Kept!.Config.Name).ToArray(),
            rebuilt,
            removed,
            added,
            filtersUpdated,
            clock.Elapsed);
    }

    private void LogModelChanges(CpworkerConfig before, CpworkerConfig after)
    {
        if (before.ExecutionModel != after.ExecutionModel)
        {
            RuntimeLog.ExecutionModelChanged(
                _logger,
                after.ExecutionModel.ToString().ToLowerInvariant(),
                before.ExecutionModel.ToString().ToLowerInvariant());
        }

        if (!(before.CpuAffinity ?? []).SequenceEqual(after.CpuAffinity ?? []))
        {
            RuntimeLog.CpuAffinityChanged(_logger);
        }

        if (!string.Equals(before.ControlSocketPath, after.ControlSocketPath, StringComparison.Ordinal))
        {
            RuntimeLog.ControlSocketPathChanged(_logger);
        }
    }
}
