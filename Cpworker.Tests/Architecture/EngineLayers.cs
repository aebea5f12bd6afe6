namespace Cpworker.Tests.Architecture;

/// <summary>
/// The layering of Cpworker.Engine's folders, top to bottom: a folder may use the folders of lower
/// layers only, never one of its own layer or above. docs/architecture.md draws it.
/// </summary>
internal static class EngineLayers
{
    /// <summary>The layers, top first.</summary>
    public static readonly string[][] TopDown =
    [
        ["Runtime"],
        ["Loading", "Scheduling"],
        ["Classification", "Outputs"],
        ["Capture"],
        ["Configuration", "Packets"],
        ["Threading"],
        ["Interop", "Logging"],
    ];

    /// <summary>The layer of <paramref name="folder"/> (0 = bottom); null when the table does not place it.</summary>
    public static int? LayerOf(string folder)
    {
        for (int i = 0; i < TopDown.Length; i++)
        {
            if (TopDown[i].Contains(folder))
            {
                return TopDown.Length - 1 - i;
            }
        }

        return null;
    }
}
