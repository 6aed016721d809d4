using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Which networks a syntax error withholds. An error inside a network's text is that network's: it gets no model and
/// the error is among its diagnostics. An error inside a block's body withholds the networks that use the block. An
/// error anywhere else (between declarations, in an import, in a block's name or parameters, past the per-file cap)
/// may hide or change a declaration, so it withholds every network of the file.
/// </summary>
public class SyntaxErrorScopeTests
{
    private const string Valid = "network Valid(input: 3x8x8) = conv(3, 4, 3)\n";

    private static NetworkResult Named(CompilationResult result, string name) => Assert.Single(result.Networks, n => n.Name == name);

    [Theory]
    [InlineData("network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3,\n}\n", "GNET0102")]
    [InlineData("network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3) $\n}\n", "GNET0101")]
    [InlineData("network Broken(input: 3x8x8) {\n    // a comment\n    c = conv(3, 4, 3)\n}\n", "GNET0110")]
    [InlineData("network Broken(input: 3x8x8) {\n    c = nn.Conv2d(3, 4, 3)\n}\n", "GNET0112")]
    [InlineData("network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3)\n    return c(x)\n}\n", "GNET0111")]
    public void A_syntax_error_in_one_network_withholds_only_that_network_and_is_its_own(string broken, string id)
    {
        foreach (var text in new[] { broken + Valid, Valid + broken })
        {
            var result = Gnet.Compile(text);

            var error = Assert.Single(Gnet.Errors(result));
            Assert.Equal(id, error.Id);
            Assert.Null(Named(result, "Broken").Network);
            Assert.Equal(error, Assert.Single(Named(result, "Broken").Diagnostics));
            Assert.NotNull(Named(result, "Valid").Network);
            Assert.Empty(Named(result, "Valid").Diagnostics);
        }
    }

    [Fact]
    public void An_error_at_the_next_networks_keyword_is_the_network_being_read()
    {
        // The missing '}' is reported at 'network', the first token of Valid, while Broken's body is being read.
        string text = "network Broken(input: 3x8x8) { c = relu " + Valid;

        var result = Gnet.Compile(text);

        var error = Assert.Single(Gnet.Errors(result));
        Assert.Equal(text.IndexOf("network Valid", StringComparison.Ordinal), error.Location.Start);
        Assert.Null(Named(result, "Broken").Network);
        Assert.Contains(error, Named(result, "Broken").Diagnostics);
        Assert.NotNull(Named(result, "Valid").Network);
    }

    [Theory]
    [InlineData("conv(3, 4, 3)\n")]                                    // between declarations
    [InlineData("$\n")]                                                // a bad character between declarations
    [InlineData("// a comment\n")]                                     // a comment before the first declaration
    [InlineData("import \"\n")]                                        // an import left open
    [InlineData("block Pair(c,) {\n    a = conv(c, c, 1)\n}\n")]      // a block's parameters
    [InlineData("block Pair(c) $ {\n    a = conv(c, c, 1)\n}\n")]      // a bad character in a block's header
    public void A_syntax_error_outside_every_declarations_body_withholds_every_network_of_the_file(string stray)
    {
        foreach (var text in new[] { stray + Valid, Valid + stray })
        {
            var result = Gnet.Compile(text);

            Assert.NotEmpty(Gnet.Errors(result));
            Assert.Null(Named(result, "Valid").Network);
            Assert.Empty(Named(result, "Valid").Diagnostics);
        }
    }

    [Theory]
    [InlineData("network Other(input: 3x8x8) = conv(3, 4, 3,\nblock Pair(c) = relu\n")]
    [InlineData("network Other(input: 3x8x8) = conv(3, 4, 3,\nnetwork Gone(input: 3x8x8) = relu\n")]
    public void A_broken_declaration_that_read_the_next_one_as_its_own_withholds_the_file(string text)
    {
        // The open call reads 'block' or 'network' on the next line as an argument: that declaration is lost, and a
        // network could now mean a library block of the lost one's name.
        var result = Gnet.Compile(text + Valid);

        Assert.NotEmpty(Gnet.Errors(result));
        Assert.Null(Named(result, "Valid").Network);
    }

    [Fact]
    public void A_syntax_error_in_a_blocks_body_withholds_the_networks_that_use_it_and_no_other()
    {
        string text = "block Pair(c) {\n    a = conv(c, c, 1\n}\nnetwork User(input: 3x8x8) = Pair(3)\n" + Valid;

        var result = Gnet.Compile(text);

        Assert.Equal("GNET0102", Assert.Single(Gnet.Errors(result)).Id);
        Assert.Null(Named(result, "User").Network);
        Assert.NotNull(Named(result, "Valid").Network);
    }

    [Fact]
    public void A_blocks_error_withholds_the_networks_of_other_files_that_use_it()
    {
        var result = GnetCompiler.Compile(
            new SourceDocument("/p/blocks.gnet", "block Pair(c) {\n    a = conv(c, c, 1\n}\n"),
            new SourceDocument("/p/net.gnet", "import \"blocks.gnet\"\nnetwork User(input: 3x8x8) = Pair(3)\n" + Valid));

        Assert.Null(Named(result, "User").Network);
        Assert.NotNull(Named(result, "Valid").Network);
    }

    [Fact]
    public void Errors_past_the_per_file_cap_have_no_place_and_withhold_every_network_of_the_file()
    {
        string many = string.Concat(Enumerable.Repeat(" $", DiagnosticBag.MaxErrorsPerFile + 5));
        string text = "network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3)" + many + "\n}\n" + Valid;

        var result = Gnet.Compile(text);

        Assert.Contains(result.Diagnostics, d => d.Id == "GNET0106");
        Assert.Null(Named(result, "Valid").Network);
    }

    [Fact]
    public void Up_to_the_cap_every_error_has_its_place()
    {
        string many = string.Concat(Enumerable.Repeat(" $", DiagnosticBag.MaxErrorsPerFile));
        string text = "network Broken(input: 3x8x8) {\n    c = conv(3, 4, 3)" + many + "\n}\n" + Valid;

        var result = Gnet.Compile(text);

        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "GNET0106");
        Assert.NotNull(Named(result, "Valid").Network);
    }
}
