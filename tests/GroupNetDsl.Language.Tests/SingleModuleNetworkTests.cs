using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>`network N(input: ...) = module` puts the module's weights at the root and names it N in messages.</summary>
public class SingleModuleNetworkTests
{
    [Fact]
    public void Weights_sit_at_the_root_of_the_state_dict()
    {
        var network = GnetCompiler.Compile(new SourceDocument("one.gnet", "network One(input: 4x8x8) = conv(4, 8, 3, padding: 1)")).Networks[0].Network!;
        Assert.Equal(new[] { "weight", "bias" }, network.Weights.Select(w => w.Key));
        // 8 x 4 x 3 x 3 weights + 8 biases.
        Assert.Equal(8 * 4 * 3 * 3 + 8, network.ParameterCount);
    }

    [Fact]
    public void Messages_name_the_network_when_the_layer_has_no_path()
    {
        var result = GnetCompiler.Compile(new SourceDocument("one.gnet", "network One(input: 3x8x8) = conv(3, 8, 3, groups: 2)"));
        var error = Assert.Single(result.Diagnostics, d => d.Id == "GNET0201");
        Assert.StartsWith("One: in_channels 3 is not divisible by groups 2", error.Message);
    }
}
