namespace Cpworker.Engine.Outputs;

/// <summary>The output types a configuration may name, by <c>type</c>.</summary>
public sealed class OutputTypeRegistry
{
    private readonly Dictionary<string, OutputType> _types = new(StringComparer.Ordinal);

    /// <summary>A registry that knows the engine's own types (<c>null</c>).</summary>
    public OutputTypeRegistry()
    {
        Add(new NullOutputType());
    }

    /// <summary>Names of every registered type, for messages.</summary>
    public IEnumerable<string> Names => _types.Keys.Order(StringComparer.Ordinal);

    /// <summary>Adds or replaces a type.</summary>
    public OutputTypeRegistry Add(OutputType type)
    {
        _types[type.Name] = type;
        return this;
    }

    /// <summary>The type called <paramref name="name"/>, if registered.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OutputType? type) =>
        _types.TryGetValue(name, out type);

    /// <summary>Every registered type.</summary>
    internal IEnumerable<OutputType> Types => _types.Values;

    /// <summary>True when <paramref name="name"/> is a registered type.</summary>
    public bool Contains(string name) => _types.ContainsKey(name);
}
