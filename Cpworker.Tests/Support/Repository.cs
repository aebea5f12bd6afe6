namespace Cpworker.Tests.Support;

/// <summary>Paths in the source tree the tests were built from.</summary>
internal static class Repository
{
    /// <summary>The directory holding Cpworker.sln.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path below the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies a directory tree, skipping build outputs.</summary>
    public static void CopyTree(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            if (!IsBuildOutput(dir))
            {
                Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
            }
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (!IsBuildOutput(file))
            {
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
            }
        }
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj");

    private static string Find()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Cpworker.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("Cpworker.sln not found above " + AppContext.BaseDirectory);
    }
}
