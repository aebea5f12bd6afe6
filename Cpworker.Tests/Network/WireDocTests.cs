using System.Reflection;

namespace Cpworker.Tests.Network;

/// <summary>docs/wire-formats.md shows exactly the bytes the tests check (every <see cref="WireVectors"/> constant).</summary>
public sealed class WireDocTests
{
    private static string DocPath()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "docs", "wire-formats.md");
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/wire-formats.md not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<TestCaseData> Vectors() =>
        typeof(WireVectors).GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => new TestCaseData(f.Name, (string)f.GetRawConstantValue()!).SetName($"wire-formats.md shows {f.Name}"));

    [TestCaseSource(nameof(Vectors))]
    public void TheDocumentShowsTheVector(string name, string hex)
    {
        string doc = System.IO.File.ReadAllText(DocPath());
        Assert.That(doc, Does.Contain(hex), $"{name} = {hex}");
    }

    [Test]
    public void EveryVectorIsCovered() => Assert.That(Vectors().Count(), Is.GreaterThanOrEqualTo(20));
}
