using System.Text.Json;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// The position of every JSON path in a document, in file order, so that problems are reported in
/// the order an operator reads the file (the loader finds them depth-first, inner objects first).
/// </summary>
internal sealed class DocumentOrder
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    private DocumentOrder()
    {
    }

    /// <summary>Numbers every path of <paramref name="root"/> in the order it appears.</summary>
    public static DocumentOrder Of(JsonElement root)
    {
        var order = new DocumentOrder();
        order.Walk(root, "");
        return order;
    }

    /// <summary>
    /// The position of <paramref name="path"/>; for a path the document does not hold (a missing
    /// required key), that of its nearest enclosing object or array.
    /// </summary>
    public int IndexOf(string path)
    {
        while (true)
        {
            if (_index.TryGetValue(path, out int i))
            {
                return i;
            }

            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
            {
                return 0;
            }

            path = path[..cut];
        }
    }

    private void Walk(JsonElement e, string path)
    {
        _index.TryAdd(path, _index.Count);
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in e.EnumerateObject())
            {
                Walk(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}");
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement item in e.EnumerateArray())
            {
                Walk(item, $"{path}[{i++}]");
            }
        }
    }
}
