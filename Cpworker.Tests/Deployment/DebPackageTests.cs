using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>The Debian package (<c>./build.sh deb</c>): its contents, its metadata and lintian.</summary>
public class DebPackageTests
{
    [Test]
    public void The_package_holds_the_daemon_unit_conffile_and_docs()
    {
        Artifacts.Require(Artifacts.Deb, "deb");
        string info = Run.Checked("dpkg-deb", $"--field {Artifacts.Deb} Package Version Architecture Depends");
        Assert.That(info, Does.Contain("Package: cpworker").And.Contain($"Version: {Artifacts.Version}").And.Contain("Architecture: amd64").And.Contain("libpcap0.8"));
        string contents = Run.Checked("dpkg-deb", $"--contents {Artifacts.Deb}");
        foreach (string path in new[]
        {
            "./usr/lib/cpworker/cpworker", "./usr/lib/cpworker/libcoreclr.so", "./usr/bin/cpworker -> ../lib/cpworker/cpworker",
            "./lib/systemd/system/cpworker.service", "./etc/cpworker/cpworker.json",
            "./usr/share/doc/cpworker/operations.md", "./usr/share/doc/cpworker/deploy.md", "./usr/share/doc/cpworker/copyright",
        })
        {
            Assert.That(contents, Does.Contain(path), path);
        }

        Assert.That(Run.Checked("dpkg-deb", $"--info {Artifacts.Deb} conffiles").Trim(), Is.EqualTo("/etc/cpworker/cpworker.json"));
        string dir = Directory.CreateTempSubdirectory("cpwt-deb-").FullName;
        try
        {
            Run.Checked("dpkg-deb", $"--extract {Artifacts.Deb} {dir}");
            string unit = File.ReadAllText(Path.Combine(dir, "lib/systemd/system/cpworker.service"));
            Assert.That(unit, Does.Contain("ExecStart=/usr/bin/cpworker run -c /etc/cpworker/cpworker.json").And.Contain("Documentation=file:///usr/share/doc/cpworker/operations.md"));
            Assert.That(unit.Split('\n').Where(l => !l.StartsWith('#')), Has.None.Contains("/usr/local/bin"), "every directive uses the packaged binary");
            Assert.That(Run.Checked(Path.Combine(dir, "usr/bin/cpworker"), "--version").Trim(), Does.StartWith(Artifacts.Version));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Lintian_reports_nothing_but_the_explained_overrides()
    {
        Artifacts.Require(Artifacts.Deb, "deb");
        var (code, stdout, stderr) = Run.Command("lintian", $"--fail-on error,warning --no-tag-display-limit {Artifacts.Deb}", 300_000);
        string[] tags = (stdout + stderr).Split('\n').Where(l => l.StartsWith("E: ", StringComparison.Ordinal) || l.StartsWith("W: ", StringComparison.Ordinal)).ToArray();
        Assert.That(tags, Is.Empty, stdout + stderr);
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
    }
}
