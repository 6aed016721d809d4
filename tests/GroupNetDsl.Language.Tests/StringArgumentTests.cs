using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// String arguments in op calls (<c>stochastic_depth(0.1, "row")</c>, <c>gelu(approximate: "none")</c>): the values
/// PyTorch accepts, the ones not implemented, a string where a number goes and the reverse, each at its span.
/// </summary>
public class StringArgumentTests
{
    [Theory]
    [InlineData("stochastic_depth(0.1, \"row\")")]
    [InlineData("stochastic_depth(0.1, \"batch\")")]
    [InlineData("stochastic_depth(p: 0.1, mode: \"batch\")")]
    [InlineData("stochastic_depth(mode: \"row\", p: 0.1)")]
    public void Stochastic_depth_takes_torchvisions_modes_and_is_the_same_view_in_either(string call)
    {
        var network = Gnet.Network($$"""
            network N(input: 4x6x6) {
                conv = conv(4, 4, 3, padding: 1)
                drop = {{call}}
            }
            """);

        // The mode is not kept: the op equals the one written without it, so nothing of the string reaches the code.
        Assert.Equal(new StochasticDepthOp(0.1), Gnet.Node(network, "drop").Operation);
    }

    [Theory]
    [InlineData("gelu(approximate: \"none\")")]
    [InlineData("gelu(\"none\")")]
    public void Gelu_takes_approximate_none_the_exact_form(string call)
    {
        var network = Gnet.Network($"network N(input: 4x6x6) = {call}");

        Assert.Equal(new ActivationOp(ActivationKind.GELU), Gnet.Node(network, "").Operation);
    }

    [Theory]
    [InlineData("stochastic_depth(0.1, \"rows\")", "\"rows\"", "N: mode \"rows\" is not supported; write \"row\" or \"batch\", torchvision's modes (at inference either is the identity)")]
    [InlineData("stochastic_depth(0.1, mode: \"Row\")", "\"Row\"", "N: mode \"Row\" is not supported; write \"row\" or \"batch\", torchvision's modes (at inference either is the identity)")]
    [InlineData("gelu(approximate: \"tanh\")", "\"tanh\"", "N: approximate \"tanh\" is not supported; leave it out or write \"none\": only nn.GELU()'s exact form is implemented, not the tanh approximation")]
    [InlineData("gelu(\"erf\")", "\"erf\"", "N: approximate \"erf\" is not supported; leave it out or write \"none\": nn.GELU() takes \"none\" (the exact form, implemented) or \"tanh\"")]
    // Quotes and backslashes stay data: the message writes them escaped, as .gnet does, and no op is created.
    [InlineData("stochastic_depth(0.1, \"r\\\"); x(\\\\\")", "\"r\\\"); x(\\\\\"", "N: mode \"r\\\"); x(\\\\\" is not supported; write \"row\" or \"batch\", torchvision's modes (at inference either is the identity)")]
    public void A_string_value_not_implemented_is_reported_at_the_string_with_the_values_to_write(string call, string covered, string message)
    {
        string text = $"network N(input: 4x6x6) = {call}";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));

        Assert.Equal("GNET0223", error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("stochastic_depth(0.1, 1)", "1", "argument 'mode' of 'stochastic_depth': expected a string in double quotes such as \"row\" but got the integer 1")]
    [InlineData("stochastic_depth(0.1, mode: true)", "true", "argument 'mode' of 'stochastic_depth': expected a string in double quotes such as \"row\" but got true")]
    [InlineData("gelu(approximate: 0)", "0", "argument 'approximate' of 'gelu': expected a string in double quotes such as \"none\" but got the integer 0")]
    [InlineData("stochastic_depth(\"row\")", "\"row\"", "argument 'p' of 'stochastic_depth': expected a number but got the string \"row\"")]
    [InlineData("dropout(p: \"0.5\")", "\"0.5\"", "argument 'p' of 'dropout': expected a number but got the string \"0.5\"")]
    [InlineData("conv(4, 4, \"3\")", "\"3\"", "argument 'kernel_size' of 'conv': expected an integer but got the string \"3\"")]
    public void A_string_for_a_number_or_a_number_for_a_string_is_the_wrong_type_at_the_argument(string call, string covered, string message)
    {
        string text = $"network N(input: 4x6x6) = {call}";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));

        Assert.Equal("GNET0209", error.Id);
        Assert.Equal(covered, Gnet.Covered(text, error.Location));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_newline_escape_in_a_string_is_reported_as_the_quoted_text_it_is()
    {
        const string text = "network N(input: 4x6x6) = stochastic_depth(0.1, \"row\\n\")";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));

        Assert.Equal("GNET0108", error.Id);
        Assert.Equal("\"row\\n\"", Gnet.Covered(text, error.Location));
    }

    [Fact]
    public void A_string_argument_names_no_member_even_when_one_is_spelled_the_same()
    {
        var network = Gnet.Network("""
            network N(input: 4x6x6) {
                "row" = conv(4, 4, 1)
                drop = stochastic_depth(0.1, "row")
                forward(x) = drop("row"(x))
            }
            """);

        Assert.Equal(new StochasticDepthOp(0.1), Gnet.Node(network, "drop").Operation);
    }

    [Fact]
    public void A_misspelled_op_with_a_string_argument_reports_the_op_only()
    {
        const string text = "network N(input: 4x6x6) = geluu(approximate: \"none\")";
        var error = Assert.Single(Gnet.Errors(Gnet.Compile(text)));

        Assert.Equal("GNET0207", error.Id);
        Assert.Equal("geluu", Gnet.Covered(text, error.Location));
    }
}
