using GroupNetDsl.Language;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

public class SmokeTests
{
    [Fact]
    public void MiniGroupNet()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../samples/MiniGroupNet/MiniGroupNet.gnet"));
        var result = GnetCompiler.Compile(new SourceDocument("mini.gnet", text));
        Assert.Empty(result.Diagnostics.Select(d => d.ToString()));
        var net = result.Networks[0].Network!;
        foreach (var n in net.Nodes) Console.WriteLine($"{n.Path} {n.Operation.OpName} {n.Output} {n.Parameters} {n.MultiplyAccumulates} [{string.Join(",", n.Inputs)}]");
        Assert.Equal(132170, net.ParameterCount);
        Assert.Equal(83626496, net.MultiplyAccumulates);
    }
}
