using System.Text.RegularExpressions;
using GroupNetDsl.Analyzers.Analysis;
using GroupNetDsl.Analyzers.Tests.Infrastructure;
using Catalog = GroupNetDsl.Language.Diagnostics.DiagnosticDescriptors;
using RuleSeverity = GroupNetDsl.Language.Diagnostics.DiagnosticSeverity;

namespace GroupNetDsl.Analyzers.Tests.Diagnostics;

/// <summary>
/// One catalog: the analyzer supports exactly the language's rules, each Roslyn descriptor says what the
/// catalog says, the release files list exactly those rules (the release-tracking analyzer cannot see ids
/// built at run time, so this test does its part), and every rule has its help page.
/// </summary>
public partial class CatalogTests
{
    [Fact]
    public void The_analyzer_supports_every_rule_of_the_catalog_as_the_catalog_states_it()
    {
        var supported = new GroupNetAnalyzer().SupportedDiagnostics;

        Assert.Equal(Catalog.All.Select(rule => rule.Id), supported.Select(d => d.Id));
        foreach (var (rule, descriptor) in Catalog.All.Zip(supported))
        {
            Assert.Equal(rule.Title, descriptor.Title.ToString());
            Assert.Equal(rule.MessageFormat, descriptor.MessageFormat.ToString());
            Assert.Equal(rule.Category, descriptor.Category);
            Assert.Equal(rule.DefaultSeverity.ToString(), descriptor.DefaultSeverity.ToString());
            Assert.True(descriptor.IsEnabledByDefault);
            Assert.Equal(rule.HelpLink, descriptor.HelpLinkUri);
            Assert.EndsWith($"/docs/diagnostics/{rule.Id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ids_are_grouped_by_range()
    {
        var categories = new Dictionary<char, string>
        {
            ['1'] = "GroupNetDsl.Syntax",
            ['2'] = "GroupNetDsl.Shapes",
            ['3'] = "GroupNetDsl.Usage",
            ['4'] = "GroupNetDsl.Advice",
        };
        foreach (var rule in Catalog.All)
        {
            Assert.Matches("^GNET0[1-4][0-9]{2}$", rule.Id);
            Assert.Equal(categories[rule.Id[5]], rule.Category);
            Assert.Equal(rule.Id[5] == '4', rule.DefaultSeverity != RuleSeverity.Error);
        }
    }

    [Fact]
    public void The_release_files_list_exactly_the_rules_of_the_catalog()
    {
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(RepositoryPaths.AnalyzersProject, file)))
            .Select(line => ReleaseRow().Match(line))
            .Where(match => match.Success)
            .Select(match => (Id: match.Groups["id"].Value, Category: match.Groups["category"].Value, Severity: match.Groups["severity"].Value))
            .OrderBy(row => row.Id, StringComparer.Ordinal)
            .ToList();

        var rules = Catalog.All
            .Select(rule => (rule.Id, rule.Category, Severity: rule.DefaultSeverity.ToString()))
            .OrderBy(row => row.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(rules, rows);
    }

    [Fact]
    public void Every_rule_has_a_help_page_with_a_bad_and_a_fixed_example()
    {
        foreach (var rule in Catalog.All)
        {
            string path = Path.Combine(RepositoryPaths.DiagnosticsDocs, rule.Id + ".md");
            Assert.True(File.Exists(path), $"{rule.Id} has no page at {path}");
            string page = File.ReadAllText(path);
            Assert.StartsWith($"# {rule.Id}: {rule.Title}", page, StringComparison.Ordinal);
            Assert.Contains("## Bad", page, StringComparison.Ordinal);
            Assert.Contains("## Fixed", page, StringComparison.Ordinal);
            if (rule.DefaultSeverity != RuleSeverity.Error) Assert.Contains($"dotnet_diagnostic.{rule.Id}.severity", page, StringComparison.Ordinal);
        }
    }

    // "GNET0101 | GroupNetDsl.Syntax | Error | Notes"
    [GeneratedRegex(@"^(?<id>GNET\d{4}) *\| *(?<category>[^| ]+) *\| *(?<severity>[^| ]+) *\|")]
    private static partial Regex ReleaseRow();
}
