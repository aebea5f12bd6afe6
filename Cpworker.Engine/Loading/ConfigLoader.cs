using System.Text;
using System.Text.Json;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Loading;

/// <summary>
/// Reads and validates a configuration document (docs/configuration.md). Nothing here touches the host:
/// interfaces, namespaces, directories and names are checked by <see cref="ConfigHostChecker"/>.
/// </summary>
/// <remarks>
/// Every problem is reported with its JSON path instead of stopping at the first; the parts are
/// split by concern: top level here, tasks and outputs in <c>ConfigLoader.Tasks.cs</c>, capturers
/// and direction patterns in <c>ConfigLoader.Capture.cs</c>.
/// </remarks>
internal static partial class ConfigLoader
{
    /// <summary>Largest <c>pipeline.buffer_size_mb</c>: 64 GiB of packet data in flight per task.</summary>
    public const int MaxPipelineBufferSizeMb = 65536;

    /// <summary>Longest control socket path: <c>sun_path</c> holds 108 bytes including the terminating NUL.</summary>
    public const int MaxControlPathBytes = 107;

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] s_logLevels = ["DEBUG", "INFO", "WARN", "ERROR"];

    /// <summary>
    /// Parses <paramref name="json"/>, checks every value, and returns the config together with
    /// every problem found (each with its JSON path). The config is null when there are errors.
    /// <paramref name="environment"/> looks up <c>$VAR</c> references (default: the process environment).
    /// </summary>
    public static ConfigLoadResult Load(string json, OutputTypeRegistry outputTypes, Func<string, string?>? environment = null)
    {
        var diagnostics = new ConfigDiagnostics();
        if (string.IsNullOrWhiteSpace(json))
        {
            diagnostics.Error("", "the configuration is empty; it must be a JSON object such as {\"tasks\": [ … ]}");
            return new ConfigLoadResult(null, diagnostics);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_documentOptions);
        }
        catch (JsonException ex)
        {
            diagnostics.Error("", SyntaxErrorMessage(ex));
            return new ConfigLoadResult(null, diagnostics);
        }

        using (document)
        {
            if (JsonUnicode.FirstProblem(document.RootElement) is { } unusable)
            {
                diagnostics.Error(unusable.Path, unusable.Problem);
                return new ConfigLoadResult(null, diagnostics);
            }

            var context = new ConfigReadContext(diagnostics, environment);
            ConfigObject? root = ConfigObject.Root(document.RootElement, context);
            if (root is null)
            {
                return new ConfigLoadResult(null, diagnostics);
            }

            WarnDuplicateKeys(document.RootElement, "", diagnostics);
            CpworkerConfig config = ReadRoot(root, outputTypes);
            diagnostics.SortStable(DocumentOrder.Of(document.RootElement).IndexOf);
            return new ConfigLoadResult(diagnostics.HasErrors ? null : config, diagnostics);
        }
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> and loads it like <see cref="Load"/>; a file that
    /// cannot be read is reported as an error, not thrown.
    /// </summary>
    public static ConfigLoadResult LoadFile(string path, OutputTypeRegistry outputTypes, Func<string, string?>? environment = null)
    {
        string json;
        try
        {
            // Never opened when it is not a regular file (a FIFO would block), never read when huge.
            if (Capture.ReplayFile.NotRegular(path) is { } kind)
            {
                return Unreadable($"the configuration file {path} is {kind}, not a regular file");
            }

            if (File.Exists(path) && new FileInfo(path).Length > MaxConfigBytes)
            {
                return Unreadable($"the configuration file {path} is {new FileInfo(path).Length} bytes, more than {MaxConfigBytes}");
            }

            json = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var diagnostics = new ConfigDiagnostics();
            diagnostics.Error("", $"cannot read the configuration file {path}: {PathErrors.Describe(ex, path)}");
            return new ConfigLoadResult(null, diagnostics);
        }

        return Load(json, outputTypes, environment);

        static ConfigLoadResult Unreadable(string message)
        {
            var diagnostics = new ConfigDiagnostics();
            diagnostics.Error("", message);
            return new ConfigLoadResult(null, diagnostics);
        }
    }

    private static CpworkerConfig ReadRoot(ConfigObject root, OutputTypeRegistry outputTypes)
    {
        LogLevel logLevel = ReadLogLevel(root);
        IReadOnlyList<int>? cpus = ReadCpuAffinity(root);
        ExecutionModel? model = ReadExecutionModel(root);
        int? pipelineMb = ReadPipeline(root, model);
        string? controlPath = ReadControl(root);
        string? prometheusListen = ReadMetrics(root);
        int maxTasks = ReadMaxTasks(root);
        int maxThreads = ReadMaxPacketThreads(root);
        IReadOnlyList<TaskConfig> tasks = TaskCountWithin(root, maxTasks) ? ReadTasks(root, outputTypes) : [];
        CheckThreads(root, model, tasks, maxThreads);
        root.WarnUnknownKeys();
        return new CpworkerConfig
        {
            LogLevel = logLevel,
            CpuAffinity = cpus,
            ExecutionModel = model ?? ExecutionModel.Rtc,
            PipelineBufferSizeMb = pipelineMb,
            ControlSocketPath = controlPath,
            PrometheusListen = prometheusListen,
            Tasks = tasks,
        };
    }

    /// <summary>Maps <c>log_level</c> (case-insensitive) to a <see cref="LogLevel"/>.</summary>
    public static LogLevel? ParseLogLevel(string text) => text.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        _ => null,
    };

    private static LogLevel ReadLogLevel(ConfigObject root)
    {
        string? s = root.String("log_level");
        if (s is null)
        {
            return LogLevel.Information;
        }

        LogLevel? level = ParseLogLevel(s);
        if (level is null)
        {
            root.Error("log_level", $"must be {ConfigValues.Alternatives(s_logLevels)} (any case), not \"{s}\"");
        }

        return level ?? LogLevel.Information;
    }

    private static IReadOnlyList<int>? ReadCpuAffinity(ConfigObject root)
    {
        string? s = root.String("cpu_affinity");
        if (string.IsNullOrWhiteSpace(s))
        {
            // Absent or "" (the C implementation's default): no restriction.
            return null;
        }

        List<int>? cpus = CpuList.Parse(s, out string? error);
        if (cpus is null)
        {
            root.Error("cpu_affinity", error!);
        }

        return cpus;
    }

    private static ExecutionModel? ReadExecutionModel(ConfigObject root)
    {
        if (!root.Has("execution_model"))
        {
            root.Raw("execution_model");
            return ExecutionModel.Rtc;
        }

        return root.Choice("execution_model", ["rtc", "pipeline"]) switch
        {
            0 => ExecutionModel.Rtc,
            1 => ExecutionModel.Pipeline,
            _ => null,
        };
    }

    private static int? ReadPipeline(ConfigObject root, ExecutionModel? model)
    {
        const string requiredMessage = "is required when execution_model is \"pipeline\"";
        bool required = model == ExecutionModel.Pipeline;
        if (!root.Has("pipeline"))
        {
            root.Raw("pipeline");
            if (required)
            {
                root.Diagnostics.Error(root.PathOf("pipeline.buffer_size_mb"), requiredMessage);
            }

            return null;
        }

        ConfigObject? pipeline = root.Object("pipeline");
        if (pipeline is null)
        {
            return null;
        }

        if (required && !pipeline.Has("buffer_size_mb"))
        {
            pipeline.Error("buffer_size_mb", requiredMessage);
        }

        int? mb = pipeline.Int32("buffer_size_mb", 1, MaxPipelineBufferSizeMb);
        pipeline.WarnUnknownKeys();
        return mb;
    }

    private static string? ReadControl(ConfigObject root)
    {
        ConfigObject? control = root.Object("control");
        if (control is null)
        {
            return null;
        }

        string? type = control.String("type", required: true);
        string? path = null;
        if (type == "unix")
        {
            ConfigObject? unix = control.Object("unix", required: true);
            path = unix?.ExpandedString("path", required: true);
            if (path is not null)
            {
                int bytes = Encoding.UTF8.GetByteCount(path);
                if (path.Length == 0)
                {
                    unix!.Error("path", "must not be empty");
                    path = null;
                }
                else if (bytes > MaxControlPathBytes)
                {
                    unix!.Error("path", $"is {bytes} bytes long; a Unix socket path has at most {MaxControlPathBytes} bytes");
                    path = null;
                }
            }

            unix?.WarnUnknownKeys();
        }
        else
        {
            if (type is not null)
            {
                control.Error("type", $"must be \"unix\", not \"{type}\"");
            }

            control.Ignore("unix");
        }

        control.WarnUnknownKeys();
        return path;
    }

    /// <summary>A JSON syntax error in our words, with its 1-based line and column.</summary>
    internal static string SyntaxErrorMessage(JsonException ex)
    {
        // JsonException's message ends with " LineNumber: n | BytePositionInLine: m."; we say it once, 1-based.
        string reason = ex.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason[..cut];
        }

        // System.Text.Json speaks of its reader's internals here; say what it means for a file.
        if (reason.Contains("isFinalBlock", StringComparison.Ordinal) || reason.Contains("Expected depth to be zero", StringComparison.Ordinal))
        {
            reason = "the file ends before the JSON is complete (an object or array is not closed, or a value is missing)";
        }

        long line = (ex.LineNumber ?? 0) + 1;
        long column = (ex.BytePositionInLine ?? 0) + 1;
        return $"invalid JSON at line {line}, column {column}: {reason}";
    }

    /// <summary>Warns about keys that occur twice in one object: JSON readers differ on which one counts.</summary>
    private static void WarnDuplicateKeys(JsonElement element, string path, ConfigDiagnostics diagnostics)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            HashSet<string>? seen = null;
            foreach (JsonProperty p in element.EnumerateObject())
            {
                string childPath = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                if (!seen.Add(p.Name))
                {
                    diagnostics.Warning(childPath, "duplicate key; the last value is used");
                }

                WarnDuplicateKeys(p.Value, childPath, diagnostics);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement e in element.EnumerateArray())
            {
                WarnDuplicateKeys(e, $"{path}[{i}]", diagnostics);
                i++;
            }
        }
    }
}
