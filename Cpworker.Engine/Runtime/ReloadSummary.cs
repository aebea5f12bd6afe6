namespace Cpworker.Engine.Runtime;

/// <summary>What a reload did.</summary>
/// <param name="Unchanged">Tasks that kept running untouched.</param>
/// <param name="Rebuilt">Tasks whose configuration changed: stopped and started anew.</param>
/// <param name="Removed">Tasks that were drained and stopped.</param>
/// <param name="Added">Tasks that were started.</param>
/// <param name="FiltersUpdated">Unchanged tasks whose capture got a new loop guard without a restart.</param>
/// <param name="Elapsed">Time the reload took (old tasks drained, new ones launched; not until they run).</param>
public sealed record ReloadSummary(
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Rebuilt,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Added,
    int FiltersUpdated,
    TimeSpan Elapsed)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        static string Part(string what, IReadOnlyList<string> names) =>
            names.Count == 0 ? $"0 {what}" : $"{names.Count} {what} ({string.Join(", ", names)})";

        return $"{Unchanged.Count} unchanged, {Part("rebuilt", Rebuilt)}, {Part("removed", Removed)}, {Part("added", Added)}; " +
               $"loop guard updated on {FiltersUpdated} running task(s); {Elapsed.TotalMilliseconds:F0} ms";
    }
}
