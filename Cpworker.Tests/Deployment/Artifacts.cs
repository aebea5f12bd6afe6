using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>
/// What <c>./build.sh publish|deb|image</c> leave in <c>artifacts/</c> (<c>./build.sh test</c> builds
/// them before the tests run). A test run without them says so and how to make them.
/// </summary>
internal static class Artifacts
{
    /// <summary>The version in version.props.</summary>
    public static string Version { get; } =
        System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Repository.PathOf("version.props")), "<Version>(.*)</Version>").Groups[1].Value;

    /// <summary>The self-contained daemon.</summary>
    public static string SelfContained => Repository.PathOf("artifacts", "publish", "cpworker");

    /// <summary>The Debian package.</summary>
    public static string Deb => Repository.PathOf("artifacts", $"cpworker_{Version}_amd64.deb");

    /// <summary>The image's name in podman's local storage.</summary>
    public static string Image => $"localhost/cpworker:{Version}";

    /// <summary>Fails with how to build <paramref name="path"/> when it is missing.</summary>
    public static void Require(string path, string command)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: run `./build.sh {command}` first (./build.sh test does)");
        }
    }
}
