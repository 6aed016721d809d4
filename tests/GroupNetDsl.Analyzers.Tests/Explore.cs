using GroupNetDsl.Analyzers.Tests.Infrastructure;
using Xunit.Abstractions;
namespace GroupNetDsl.Analyzers.Tests;
public class Explore(ITestOutputHelper output)
{
    [Fact]
    public async Task Run()
    {
        string dir = "/tmp/explore";
        var cs = Directory.GetFiles(dir, "*.cs").Select(p => new ProjectFile(p, File.ReadAllText(p)));
        var gnet = Directory.GetFiles(dir, "*.gnet").Select(p => new ProjectFile(p, File.ReadAllText(p)));
        var result = await AnalyzerRunner.RunAsync(cs, gnet);
        foreach (var d in result.GeneratorDiagnostics) output.WriteLine("GEN " + d);
        foreach (var h in result.GeneratedHintNames) output.WriteLine("HINT " + h);
        foreach (var d in result.Diagnostics) output.WriteLine(AnalyzerRunner.Format(d, dir) + "   [" + d.Location.SourceSpan + "] props=" + string.Join(",", d.Properties.Select(p => p.Key + "=" + p.Value)));
    }
}
