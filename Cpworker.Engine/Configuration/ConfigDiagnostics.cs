namespace Cpworker.Engine.Configuration;

/// <summary>Collects every problem found while reading a configuration, so all are reported at once.</summary>
public sealed class ConfigDiagnostics
{
    private readonly List<ConfigDiagnostic> _items = new();

    /// <summary>All problems in the order they were found.</summary>
    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    /// <summary>The errors only.</summary>
    public IEnumerable<ConfigDiagnostic> Errors => _items.Where(d => d.Severity == ConfigSeverity.Error);

    /// <summary>The warnings only.</summary>
    public IEnumerable<ConfigDiagnostic> Warnings => _items.Where(d => d.Severity == ConfigSeverity.Warning);

    /// <summary>True when at least one error was reported.</summary>
    public bool HasErrors => _items.Any(d => d.Severity == ConfigSeverity.Error);

    /// <summary>Reports an error at <paramref name="path"/>.</summary>
    public void Error(string path, string message) => _items.Add(new ConfigDiagnostic(ConfigSeverity.Error, path, message));

    /// <summary>Orders the problems by <paramref name="position"/> of their path, keeping the order of those at the same position.</summary>
    internal void SortStable(Func<string, int> position)
    {
        ConfigDiagnostic[] sorted = _items.Select((d, i) => (d, i)).OrderBy(x => position(x.d.Path)).ThenBy(x => x.i).Select(x => x.d).ToArray();
        _items.Clear();
        _items.AddRange(sorted);
    }

    /// <summary>Reports a warning at <paramref name="path"/>.</summary>
    public void Warning(string path, string message) => _items.Add(new ConfigDiagnostic(ConfigSeverity.Warning, path, message));
}
