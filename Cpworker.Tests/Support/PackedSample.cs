namespace Cpworker.Tests.Support;

/// <summary>
/// A sample application built as an outside user builds it: the named projects packed into
/// <c>ROOT/artifacts/packages</c>, <c>version.props</c> and <c>samples/</c> copied beside them (the
/// layout the samples expect), and the sample restored from that folder on a clean NuGet cache.
/// </summary>
internal static class PackedSample
{
    /// <summary>Packs <paramref name="projects"/> into <c>ROOT/artifacts/packages</c> and lays out the samples; returns the feed folder.</summary>
    public static string Prepare(string root, params string[] projects)
    {
        string feed = Path.Combine(root, "artifacts", "packages");
        foreach (string project in projects)
        {
            Run.Checked("dotnet", $"pack \"{Repository.PathOf(project, project + ".csproj")}\" -c Release -o \"{feed}\" -p:ContinuousIntegrationBuild=true", 300_000);
        }

        File.Copy(Repository.PathOf("version.props"), Path.Combine(root, "version.props"));
        Repository.CopyTree(Repository.PathOf("samples"), Path.Combine(root, "samples"));
        return feed;
    }

    /// <summary>
    /// Runs <c>samples/NAME</c> with <paramref name="arguments"/> on the clean cache <c>ROOT/nuget-cache</c>;
    /// asserts that it exits 0 and restored the engine from the packages, not from project references.
    /// Returns its standard output; <paramref name="stderr"/> gets its standard error.
    /// </summary>
    public static string RunAndAssert(string root, string name, string arguments, out string stderr)
    {
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-cache") };
        using var run = Run.Start("dotnet", $"run -c Release --project \"{Path.Combine(root, "samples", name)}\" -- {arguments}", env);
        string stdout = run.StandardOutput.ReadToEnd();
        stderr = run.StandardError.ReadToEnd();
        Assert.That(run.WaitForExit(300_000), Is.True, "the sample finished");
        Assert.That(run.ExitCode, Is.EqualTo(0), stdout + stderr);
        Assert.That(Directory.Exists(Path.Combine(root, "nuget-cache", "cpworker.engine")), Is.True, "restored from the clean cache, not project references");
        return stdout;
    }
}
