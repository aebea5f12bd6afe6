using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>
/// deploy/kubernetes checked offline: <c>kubectl kustomize</c> builds it, the result validates
/// against the Kubernetes 1.33 schemas of kubernetes-models 4.5.1 (pinned in
/// deploy/kubernetes/validate/package-lock.json) with unknown fields refused, and the ConfigMap's
/// config passes <c>cpworker validate</c>. No cluster is needed. <c>./build.sh test</c> installs
/// kubectl where it is missing (Debian's kubernetes-client) and unpacks Debian's kubectl 1.20 into
/// artifacts/tools, so these tests run on a fresh machine and compare both kustomize versions.
/// </summary>
public class ManifestTests
{
    private static string DebianKubectl => Repository.PathOf("artifacts", "tools", "kubernetes-client", "usr", "bin", "kubectl");

    private static string Kustomized(string kubectl = "kubectl")
    {
        if (kubectl == "kubectl" && Run.Command("sh", "-c \"command -v kubectl\"").ExitCode != 0)
        {
            Assert.Fail("kubectl is not on PATH: ./build.sh test installs Debian's kubernetes-client where it is missing");
        }

        return Run.Checked(kubectl, $"kustomize {Repository.PathOf("deploy", "kubernetes")}");
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
        Assert.That(output, Does.Contain("3 object(s), 0 problem(s)").And.Contain("unknown fields refused"));
        Assert.That(manifests, Does.Contain("kind: DaemonSet").And.Contain("readOnlyRootFilesystem: true").And.Contain("hostNetwork: true"));
    }

    [Test]
    public void Debian_kubectl_1_20_renders_the_kustomization_byte_for_byte_as_the_installed_kubectl()
    {
        Assert.That(File.Exists(DebianKubectl), Is.True, $"{DebianKubectl} is missing: ./build.sh test unpacks Debian's kubernetes-client there");
        Assert.That(Kustomized(DebianKubectl), Is.EqualTo(Kustomized()));
    }

    // Unknown fields at several depths (the commonest manifest mistake), wrong types, a missing
    // required field, and a check of our own (the ConfigMap a volume names).
    [TestCase("hostNetwork: true", "hostNetwerk: true", ".spec.template.spec.hostNetwerk is not a field the schema knows")]
    [TestCase("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", ".spec.template.spec.containers.0.securityContext.readOnlyRootFileSystem is not a field the schema knows")]
    [TestCase("sizeLimit: 1Mi", "sizeLimt: 1Mi", ".spec.template.spec.volumes.1.emptyDir.sizeLimt is not a field the schema knows")]
    [TestCase("  updateStrategy:", "  updateStrategie:", "DaemonSet/cpworker: .spec.updateStrategie is not a field the schema knows")]
    [TestCase("kind: DaemonSet\n", "kind: DaemonSet\nspecs: {}\n", "DaemonSet/cpworker: .specs is not a field the schema knows")]
    [TestCase("kind: ConfigMap\n", "kind: ConfigMap\ndat: {}\n", "ConfigMap/cpworker-config: .dat is not a field the schema knows")]
    [TestCase("    pod-security.kubernetes.io/enforce: privileged\n", "    pod-security.kubernetes.io/enforce: privileged\n  nmae: x\n", "Namespace/cpworker: .metadata.nmae is not a field the schema knows")]
    [TestCase("          requests:\n", "          request:\n", ".containers.0.resources.request is not a field the schema knows")]
    [TestCase("periodSeconds: 20", "periodSeconds: \"often\"", "livenessProbe.periodSeconds must be integer")]
    [TestCase("mountPath: /etc/cpworker", "mountPath: 17", "volumeMounts.0.mountPath must be string")]
    [TestCase("hostPID: true", "hostPID: \"yes\"", ".spec.template.spec.hostPID must be boolean")]
    [TestCase("  selector:\n    matchLabels:\n      app.kubernetes.io/name: cpworker\n  template:", "  template:", ".spec fails required (missingProperty: \"selector\")")]
    [TestCase("name: cpworker-config\n", "name: other-config\n", "names ConfigMap")]
    public void A_broken_manifest_is_refused(string from, string to, string expected)
    {
        string manifests = Kustomized();
        int at = manifests.IndexOf(from, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"{from} is in the manifests");
        var (code, output) = Validate(string.Concat(manifests.AsSpan(0, at), to, manifests.AsSpan(at + from.Length)));
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain(expected).And.Contain("1 problem(s)"));
    }

    [Test]
    public void The_ConfigMap_config_is_valid_for_cpworker()
    {
        string config = Repository.PathOf("deploy", "kubernetes", "cpworker.json");
        using var daemon = DaemonProcess.Start($"validate -c {config}");
        Assert.That(daemon.WaitForExit(30_000), Is.EqualTo(0), daemon.Output);
    }
}
