using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>
/// deploy/kubernetes checked offline: <c>kubectl kustomize</c> builds it, the result validates
/// against the Kubernetes 1.27.1 schemas (kubernetes-models 4.5.1, pinned in
/// deploy/kubernetes/validate/package-lock.json), and the ConfigMap's config passes
/// <c>cpworker validate</c>. No cluster is needed.
/// </summary>
public class ManifestTests
{
    private static string Kustomized()
    {
        if (Run.Command("sh", "-c \"command -v kubectl\"").ExitCode != 0)
        {
            Assert.Ignore("kubectl is not installed: it is on this machine kind's image but in no Debian or npm package; kustomize cannot run");
        }

        return Run.Checked("kubectl", $"kustomize {Repository.PathOf("deploy", "kubernetes")}");
    }

    private static (int ExitCode, string Output) Validate(string manifests)
    {
        string validator = Repository.PathOf("deploy", "kubernetes", "validate");
        Assert.That(Directory.Exists(Path.Combine(validator, "node_modules", "kubernetes-models")), Is.True, "run `npm ci --prefix deploy/kubernetes/validate` (./build.sh test does)");
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, manifests);
            var (code, stdout, stderr) = Run.Command("sh", $"-c \"node {validator}/validate.js < {file}\"");
            return (code, stdout + stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void The_kustomization_builds_and_validates_against_the_Kubernetes_schemas()
    {
        string manifests = Kustomized();
        var (code, output) = Validate(manifests);
        TestContext.Progress.WriteLine(output.Trim());
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("3 object(s), 0 problem(s)"));
        Assert.That(manifests, Does.Contain("kind: DaemonSet").And.Contain("readOnlyRootFilesystem: true").And.Contain("hostNetwork: true"));
    }

    [TestCase("periodSeconds: 20", "periodSeconds: \"often\"", "must be integer")]
    [TestCase("name: cpworker-config\n", "name: other-config\n", "names ConfigMap")]
    [TestCase("mountPath: /etc/cpworker", "mountPath: 17", "must be string")]
    public void A_broken_manifest_is_refused(string from, string to, string expected)
    {
        string manifests = Kustomized();
        int at = manifests.IndexOf(from, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"{from} is in the manifests");
        var (code, output) = Validate(string.Concat(manifests.AsSpan(0, at), to, manifests.AsSpan(at + from.Length)));
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain(expected));
    }

    [Test]
    public void The_ConfigMap_config_is_valid_for_cpworker()
    {
        string config = Repository.PathOf("deploy", "kubernetes", "cpworker.json");
        using var daemon = DaemonProcess.Start($"validate -c {config}");
        Assert.That(daemon.WaitForExit(30_000), Is.EqualTo(0), daemon.Output);
    }
}
