using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;

namespace Cpworker.Tests.Capture.Namespaces;

/// <summary>The cgroup layouts of containerd, CRI-O and docker under the systemd and cgroupfs drivers (docs/deploy.md).</summary>
public class CgroupMatcherTests
{
    private const string Uid = "6f1c9b1e-29a4-4d7b-9a53-0f3c1d2e4b5a";
    private const string Id = "4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    [TestCase("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod6f1c9b1e_29a4_4d7b_9a53_0f3c1d2e4b5a.slice/cri-containerd-" + Id + ".scope")]
    [TestCase("0::/kubepods.slice/kubepods-pod6f1c9b1e_29a4_4d7b_9a53_0f3c1d2e4b5a.slice/crio-" + Id + ".scope")]
    [TestCase("12:pids:/kubepods/burstable/pod6f1c9b1e-29a4-4d7b-9a53-0f3c1d2e4b5a/" + Id)]
    [TestCase("1:name=systemd:/\n0::/kubepods/besteffort/pod6f1c9b1e-29a4-4d7b-9a53-0f3c1d2e4b5a/" + Id + "\n")]
    public void A_pod_uid_matches_its_containers_in_every_driver_layout(string procCgroup)
    {
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.PodUid, Uid), procCgroup), Is.True);
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.ContainerId, Id), procCgroup), Is.True);
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.ContainerId, Id[..12]), procCgroup), Is.True, "docker's short id");
    }

    [TestCase("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod7f1c9b1e_29a4_4d7b_9a53_0f3c1d2e4b5a.slice/cri-containerd-" + Id + "0.scope")]
    [TestCase("0::/system.slice/containerd.service")]
    [TestCase("0::/")]
    public void Another_pod_does_not_match(string procCgroup) =>
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.PodUid, Uid), procCgroup), Is.False);

    [Test]
    public void CRI_O_s_monitor_is_not_the_container()
    {
        // crio-conmon-<id>.scope runs in the host's namespace: taking its namespace would capture the host.
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.ContainerId, Id), $"0::/kubepods.slice/crio-conmon-{Id}.scope"), Is.False);
    }

    [TestCase("/kubepods/pod1", "0::/kubepods/pod1", true)]
    [TestCase("/kubepods/pod1", "0::/kubepods/pod1/abc", true)]
    [TestCase("/kubepods/pod1/", "0::/kubepods/pod1/abc", true)]
    [TestCase("/kubepods/pod1", "0::/kubepods/pod10", false)]
    [TestCase("/kubepods/pod1", "0::/kubepods", false)]
    public void A_cgroup_matches_itself_and_below_at_component_boundaries(string cgroup, string procCgroup, bool expected) =>
        Assert.That(CgroupMatcher.Matches(new NetnsReference(NetnsReferenceKind.Cgroup, cgroup), procCgroup), Is.EqualTo(expected));

    [TestCase("container_id", "4f1e2d3c4b5")]
    [TestCase("container_id", "not-hex-at-all-really")]
    [TestCase("pod_uid", "my-pod")]
    [TestCase("cgroup", "kubepods/pod1")]
    public void A_value_that_can_never_match_is_refused(string key, string value)
    {
        NetnsReferenceKind kind = key switch
        {
            "container_id" => NetnsReferenceKind.ContainerId,
            "pod_uid" => NetnsReferenceKind.PodUid,
            _ => NetnsReferenceKind.Cgroup,
        };
        Assert.That(CgroupMatcher.Check(new NetnsReference(kind, value)), Is.Not.Null);
    }
}
