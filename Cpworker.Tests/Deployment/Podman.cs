using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>podman as this machine kind allows it (docs/deploy.md, "Container"): runc, lowered rlimits.</summary>
internal static class Podman
{
    /// <summary>
    /// <c>podman run</c> options every test container gets: runc (crun fails on hybrid cgroups),
    /// rlimits below the current ones (raising any is refused), host network, a read-only root,
    /// and no capability but <c>NET_RAW</c> and <c>NET_ADMIN</c>.
    /// </summary>
    public const string RunOptions =
        "--runtime runc --ulimit nofile=1024:4096 --ulimit nproc=1024:4096 --network host --read-only --cap-drop ALL --cap-add NET_RAW --cap-add NET_ADMIN";

    /// <summary>Skips when podman cannot run here at all; fails when the image was not built.</summary>
    public static void RequireImage()
    {
        var info = Run.Command("podman", "info --format {{.Host.OCIRuntime.Name}}", 60_000);
        if (info.ExitCode != 0)
        {
            Assert.Ignore($"podman cannot run on this machine: {info.Stderr.Trim()}");
        }

        if (Run.Command("podman", $"image exists {Artifacts.Image}").ExitCode != 0)
        {
            Assert.Fail($"image {Artifacts.Image} is missing: run `./build.sh image` first (./build.sh test does)");
        }
    }

    /// <summary>Runs podman; throws with its output when it fails.</summary>
    public static string Checked(string args, int timeoutMs = 120_000) => Run.Checked("podman", args, timeoutMs);
}
