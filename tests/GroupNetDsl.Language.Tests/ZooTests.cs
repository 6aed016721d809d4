using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// The model zoo shipped with the language (StandardLibrary/Zoo/*.gnet): its networks compile from one line without a
/// diagnostic, and errors in them point at the user's line. Their numbers against torchvision are checked in
/// GroupNetDsl.PyTorchParity.Tests (Zoo).
/// </summary>
public class ZooTests
{
    [Theory]
    [InlineData("mobilenet_v2(num_classes: 1000)", 3_504_872)]
    [InlineData("mobilenet_v2(num_classes: 10, width_mult: 0.5)", 700_490)]
    [InlineData("resnext50_32x4d(num_classes: 1000)", 25_028_904)]
    [InlineData("resnext101_32x8d()", 88_791_336)]
    public void A_zoo_network_compiles_from_one_line_without_diagnostics(string call, long parameters)
    {
        // Parameter counts: sum(p.numel() for p in torchvision.models.<builder>(...).parameters()), torchvision 0.14.
        var result = Gnet.Compile($"network Net(input: 3x224x224) = {call}");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(parameters, Assert.Single(result.Networks).Network!.ParameterCount);
    }

    [Fact]
    public void An_error_inside_a_zoo_network_points_at_the_users_call()
    {
        const string text = "network Net(input: 3x64x64) = mobilenet_v2(num_classes: 0)";
        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Gnet.FilePath, diagnostic.Location.FilePath);
        Assert.Equal("mobilenet_v2(num_classes: 0)", Gnet.Covered(text, diagnostic.Location));
    }

    [Fact]
    public void The_zoo_ships_its_networks_under_torchvisions_builder_names()
    {
        var names = StandardLibrary.ZooBlocks.Select(b => b.Name).ToList();
        Assert.Contains("mobilenet_v2", names);
        Assert.Contains("resnext50_32x4d", names);
        Assert.Contains("resnext101_32x8d", names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(names.Intersect(StandardLibrary.Blocks.Select(b => b.Name)));
        Assert.All(StandardLibrary.ZooDocuments, d => Assert.True(StandardLibrary.Contains(d.FilePath), d.FilePath));
    }

    [Fact]
    public void The_zoo_files_parse_without_diagnostics()
    {
        // The library parses them with a bag nobody reads: a syntax error would only show as missing members.
        Assert.NotEmpty(StandardLibrary.ZooDocuments);
        foreach (var document in StandardLibrary.ZooDocuments)
        {
            var diagnostics = new DiagnosticBag();
            Parser.Parse(document, diagnostics);
            Assert.True(diagnostics.Items.Count == 0, document.FilePath + ":\n" + Gnet.Describe(diagnostics.Items));
        }
    }
}
