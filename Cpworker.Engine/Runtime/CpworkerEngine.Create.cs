using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;

namespace Cpworker.Engine.Runtime;

/// <summary>Building an engine: from JSON text (validated as the daemon does) or from a configuration object.</summary>
public sealed partial class CpworkerEngine
{
    /// <summary>
    /// Reads and validates a configuration in cpworker's JSON format, with the same rules and
    /// messages as <c>cpworker validate</c>. The result holds every problem found.
    /// </summary>
    public static ConfigLoadResult LoadConfig(string json, CpworkerEngineOptions? options = null) =>
        ConfigLoader.Load(json, (options ?? new CpworkerEngineOptions()).Registry);

    /// <summary>Builds an engine from configuration JSON. Call <see cref="Start"/> to run it.</summary>
    /// <exception cref="CpworkerConfigException">The configuration has errors; all of them are listed.</exception>
    public static CpworkerEngine FromJson(string json, CpworkerEngineOptions? options = null)
    {
        options ??= new CpworkerEngineOptions();
        ConfigLoadResult result = ConfigLoader.Load(json, options.Registry);
        if (result.Config is null)
        {
            throw new CpworkerConfigException(result.Diagnostics.Items);
        }

        return Create(result.Config, options);
    }

    /// <summary>
    /// Builds an engine from a configuration object. Tasks without a name are called
    /// <c>task-&lt;index&gt;</c>; every output type must be registered in <paramref name="options"/>.
    /// </summary>
    /// <exception cref="CpworkerConfigException">An output type is unknown or two tasks share a name.</exception>
    public static CpworkerEngine Create(CpworkerConfig config, CpworkerEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new CpworkerEngineOptions();
        CpworkerConfig normalized = Normalize(config, options);
        return new CpworkerEngine(normalized, options.Registry, options.LoggerFactory, options.Time, options.RetryInterval);
    }

    /// <summary>Fills in what a hand-built configuration may leave out, and checks what the engine relies on.</summary>
    private static CpworkerConfig Normalize(CpworkerConfig config, CpworkerEngineOptions options)
    {
        var problems = new ConfigDiagnostics();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tasks = new List<TaskConfig>(config.Tasks.Count);
        for (int i = 0; i < config.Tasks.Count; i++)
        {
            TaskConfig task = config.Tasks[i];
            string name = string.IsNullOrEmpty(task.Name) ? $"task-{i}" : task.Name;
            if (!names.Add(name))
            {
                problems.Error($"tasks[{i}].name", $"\"{name}\" is the name of another task");
            }

            var outputs = new List<OutputConfig>(task.Outputs.Count);
            for (int j = 0; j < task.Outputs.Count; j++)
            {
                OutputConfig output = task.Outputs[j] with { Index = j };
                if (!options.Registry.Contains(output.Type))
                {
                    problems.Error($"tasks[{i}].outputs[{j}].type", $"unknown output type \"{output.Type}\"; known: {string.Join(", ", options.Registry.Names)}");
                }

                outputs.Add(output);
            }

            string identity = task.Identity.Length > 0 ? task.Identity
                : task.Fingerprint is { Length: > 0 } fp ? "fingerprint:" + fp
                : "name:" + name;
            tasks.Add(task with { Index = i, Name = name, Outputs = outputs, Identity = identity });
        }

        if (config.ExecutionModel == ExecutionModel.Pipeline && config.PipelineBufferSizeMb is < 1)
        {
            problems.Error("pipeline.buffer_size_mb", "must be at least 1");
        }

        if (problems.HasErrors)
        {
            throw new CpworkerConfigException(problems.Items);
        }

        return config with { Tasks = tasks };
    }
}
