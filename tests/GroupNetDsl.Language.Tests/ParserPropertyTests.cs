using CsCheck;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Model;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Property-based tests (CsCheck): whatever text comes in, <see cref="GnetCompiler.Compile(Text.SourceDocument[])"/>
/// returns, never throws, and every diagnostic it reports lies inside the text; and for every valid
/// convolution the model's shapes and counts are PyTorch's formulas, written out here.
/// </summary>
public class ParserPropertyTests
{
    /// <summary>Every construct of the language in one valid file: the seed for mutations.</summary>
    private const string FeatureTour = """
        # comments with '#' and '//'
        block Head(features, classes = 10, hidden = int(features / 2)) {
            pool = avgpool
            flat = flatten
            fc   = [linear(features, hidden), relu, linear(hidden, classes, bias: true)]
        }
        block Mixer(c, g = 2, wide = false) {
            width = if wide then c * 2 else c
            a     = [conv(c, width, 3, padding: 1, groups: g, bias: false), batchnorm, relu6]
            b     = [conv(width, c, 1), batchnorm(c, eps: 0.001)]
            short = identity
            forward(x) = relu(b(a(x)) + short(x))
        }
        network Tour(input: 3x32x32) {
            stem  = [conv(3, 16, 3, stride: 1, padding: 1, dilation: 1, groups: 1, bias: false), batchnorm(16), relu]
            down  = maxpool(2)
            mix   = Mixer(16, g: max(1, 8 % 3), wide: 1 + 1 == 2 && !false)
            pool2 = avgpool(2, stride: 2)
            sep   = DepthwiseSeparableConv(16, 32, k: 3)
            neck  = GroupedBottleneck(32, 64, groups: 8, stride: 2)
            head  = Head(64)
            forward(x) = head(neck(sep(pool2(mix(down(stem(x)))))))
        }
        """;

    /// <summary>The channel ops and a forward block with a tuple, an if between tensors and a return.</summary>
    private const string ChannelTour = """
        block Unit(c, stride = 1) {
            left  = if stride > 1 then [conv(c, c, 3, stride: stride, padding: 1, groups: c), batchnorm, conv(c, c, 1), relu] else []
            right = [conv(if stride > 1 then c else c // 2, c // 2, 1, stride: stride), relu]
            forward(x) {
                (x1, x2) = chunk(x, 2, dim: 1)
                halves = if stride == 1 then cat(x1, right(x2)) else cat(narrow(left(x), 0, c // 2), right(x))
                return channel_shuffle(halves, 2)
            }
        }
        network Channels(input: 8x8x8) {
            a = Unit(8, stride: 2)
            b = Unit(8)
            forward(x) {
                y = b(a(x))
                (p, q, r) = split(y, [2, 4, 2])
                (s, t) = split(q, 2)
                return cat(r, s, p, t, dim: -3)
            }
        }
        """;

    private static string StandardLibraryAndUse => StandardLibrary.Document.Text + """

        network UsesBoth(input: 32x16x16) {
            a = DepthwiseSeparableConv(32, 64)
            b = GroupedBottleneck(64, 128, groups: 8, stride: 2)
        }
        """;

    private static readonly string[] Vocabulary =
    {
        "block", "network", "forward", "input", "if", "then", "else", "true", "false", "and", "or", "not",
        "conv", "batchnorm", "relu", "relu6", "identity", "add", "maxpool", "avgpool", "flatten", "linear",
        "cat", "chunk", "split", "narrow", "channel_shuffle", "return", "dim",
        "DepthwiseSeparableConv", "GroupedBottleneck", "round", "int", "min", "max", "x", "stem", "groups", "stride",
        "0", "1", "3", "8", "64", "0.5", "1e3", "1e999", "99999999999", "3x64x64", "0x0", "1x", "2e",
        "(", ")", "[", "]", "{", "}", ",", ":", "=", "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=",
        "&&", "||", "!", ".", "#", "&", "|", "@", "$", "\"", "'", "\u0001", "\uD800", "\u00E9", "\t", "\r", "\n",
    };

    private static readonly Gen<string> Token = Gen.OneOf(Vocabulary);

    private static readonly Gen<string> Separator = Gen.OneOf(" ", "", "\n", " ", "  ");

    // ---------------------------------------------------------------- bad text never throws

    [Fact]
    public void Random_token_soup_never_throws_and_every_diagnostic_lies_inside_the_text()
    {
        Gen.Select(Token, Separator).Array[0, 80]
            .Select(pairs => string.Concat(pairs.Select(p => p.Item1 + p.Item2)))
            .Sample(text => { AssertCompilesSafely(text); }, iter: 3_000);
    }

    [Fact]
    public void Token_soup_inside_a_network_body_never_throws()
    {
        Gen.Select(Token, Separator).Array[0, 40]
            .Select(pairs => "network N(input: 3x8x8) {\n    a = " + string.Concat(pairs.Select(p => p.Item1 + p.Item2)) + "\n    b = relu\n}\n")
            .Sample(text => { AssertCompilesSafely(text); }, iter: 3_000);
    }

    [Fact]
    public void Random_characters_never_throw()
    {
        Gen.String[Gen.Char, 0, 200].Sample(text => { AssertCompilesSafely(text); }, iter: 2_000);
    }

    public static TheoryData<string> Seeds => new() { "MiniGroupNet", "FeatureTour", "StandardLibrary", "ChannelTour" };

    private static string Seed(string name) => name switch
    {
        "MiniGroupNet" => Gnet.MiniGroupNetText,
        "FeatureTour" => FeatureTour,
        "ChannelTour" => ChannelTour,
        _ => StandardLibraryAndUse,
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_seed_texts_are_valid_before_they_are_mutated(string seed)
    {
        var result = Gnet.Compile(Seed(seed));

        Assert.True(result.Diagnostics.Count == 0, Gnet.Describe(result.Diagnostics));
        Assert.All(result.Networks, n => Assert.NotNull(n.Network));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_valid_text_never_throws_and_every_diagnostic_lies_inside_the_text(string seed)
    {
        string original = Seed(seed);
        var mutation = Gen.Select(Gen.Int[0, 4], Gen.Double.Unit, Gen.Int[1, 12], Token)
            .Select(m => new Mutation(m.Item1, m.Item2, m.Item3, m.Item4));

        mutation.Array[1, 8]
            .Select(mutations => mutations.Aggregate(original, (text, m) => m.ApplyTo(text)))
            .Sample(text =>
            {
                AssertCompilesSafely(text);
                // Pure and deterministic: the same text gives an equal result (the generator's cache relies on it).
                Assert.Equal(Gnet.Compile(text), Gnet.Compile(text));
            }, iter: 1_500);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_truncation_of_a_valid_text_never_throws(string seed)
    {
        string original = Seed(seed);

        Gen.Int[0, original.Length].Sample(length => AssertCompilesSafely(original[..length]), iter: 500);
    }

    [Fact]
    public void Random_deep_nesting_never_throws_and_beyond_the_limit_is_GNET0104()
    {
        var openers = new[] { ("(", ")"), ("[", "]"), ("-", ""), ("!", ""), ("max(1, ", ")"), ("if true then ", " else 1"), ("1 + ", ""), ("[relu, ", "]") };

        Gen.Select(Gen.Int[0, openers.Length - 1], Gen.Int[0, 5_000], Gen.Double.Unit)
            .Sample(t =>
            {
                var (open, close) = openers[t.Item1];
                int depth = t.Item2;
                int closed = (int)(depth * t.Item3); // some closers may be missing
                string text = "network N(input: 3x8x8) {\n    c = " + Repeat(open, depth) + "1" + Repeat(close, closed) + "\n}\n";

                var result = AssertCompilesSafely(text);

                if (depth > 2 * Syntax.Parser.MaxNesting) Assert.Contains(result.Diagnostics, d => d.Id == "GNET0104");
            }, iter: 300);
    }

    [Fact]
    public void Random_attribute_networks_never_throw_and_diagnostics_point_at_their_attributes()
    {
        var names = Gen.OneOf("stem.0", "stem.1", "stem.2", "stage1", "fc", "a-b", "1x", "", "pool", "x.y.z", "stem.9");
        var attribute = Gen.OneOf("Conv2d", "BatchNorm2d", "ReLU", "ReLU6", "Identity", "MaxPool2d", "AvgPool2d", "GlobalAvgPool", "Flatten", "Linear", "DepthwiseSeparableConv", "GroupedBottleneck", "Conv3d");
        var property = Gen.OneOf<string?>(null, null, "Padding", "Stride", "Groups", "Bias", "Dilation", "BottleneckRatio", "Name", "Bogus");
        var value = Gen.OneOf(
            Gen.Int[-2, 300].Select(i => Attributes.AttributeValue.Of((long)i)),
            Gen.Bool.Select(Attributes.AttributeValue.Of),
            Gen.Double[-1, 2].Select(Attributes.AttributeValue.Of),
            names.Select(Attributes.AttributeValue.Of));
        int line = 0;
        Text.SourceLocation NextLocation() // a distinct place for every attribute and argument (generators run in parallel)
        {
            int next = Interlocked.Increment(ref line);
            return new("Random.cs", 0, 1, next, 1, next, 2);
        }

        var layer = Gen.Select(attribute, Gen.Select(property, value).Array[0, 6])
            .Select(l => new Attributes.AttributeLayer(l.Item1, l.Item2.Select(a => new Attributes.AttributeArgument(a.Item1, a.Item2, NextLocation())).ToEquatableArray(), NextLocation()));
        var network = Gen.Select(Gen.OneOf<string?>("3x32x32", "64x8x8", "3x8", null, "0x1x1"), layer.Array[0, 8])
            .Select(n => new Attributes.AttributeNetwork("Random", n.Item1, NextLocation(), n.Item2.ToEquatableArray()));

        network.Sample(declaration =>
        {
            var result = GnetCompiler.CompileAttributes(declaration);

            var locations = declaration.Layers.SelectMany(l => l.Arguments.Select(a => a.Location).Append(l.Location)).Append(declaration.Location).ToHashSet();
            Assert.All(result.Diagnostics, d => Assert.Contains(d.Location, locations));
            Assert.True(!result.HasErrors || result.Network is null);
        }, iter: 2_000);
    }

    // ---------------------------------------------------------------- valid convolutions: PyTorch's formulas

    /// <summary>nn.Conv2d(InChannels, OutChannels, Kernel, Stride, Padding, Dilation, Groups, Bias) on InChannels x Height x Width.</summary>
    public sealed record ConvConfiguration(int InChannels, int OutChannels, int Kernel, int Stride, int Padding, int Dilation, int Groups, bool Bias, int Height, int Width)
    {
        public string Text => $"network N(input: {InChannels}x{Height}x{Width}) {{\n    c = conv({InChannels}, {OutChannels}, {Kernel}, stride: {Stride}, padding: {Padding}, dilation: {Dilation}, groups: {Groups}, bias: {(Bias ? "true" : "false")})\n}}\n";

        /// <summary>PyTorch's Conv2d shape formula: floor((size + 2 padding - dilation (kernel - 1) - 1) / stride + 1).</summary>
        public long OutputSize(int size) => (long)Math.Floor((size + 2.0 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1);
    }

    private static readonly Gen<ConvConfiguration> ValidConvolution =
        Gen.Select(
            Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[1, 7]),
            Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3], Gen.Int[1, 3], Gen.Bool),
            Gen.Select(Gen.Int[1, 40], Gen.Int[1, 40]),
            (a, b, c) => new ConvConfiguration(
                InChannels: a.Item1 * a.Item2, OutChannels: a.Item1 * a.Item3, Kernel: a.Item4,
                Stride: b.Item1, Padding: b.Item2, Dilation: b.Item3, Groups: a.Item1, Bias: b.Item4,
                Height: c.Item1, Width: c.Item2));

    [Fact]
    public void A_valid_convolution_has_PyTorchs_output_size_parameters_and_macs_or_collapses()
    {
        ValidConvolution.Sample(conv =>
        {
            var result = Gnet.Compile(conv.Text);
            long height = conv.OutputSize(conv.Height), width = conv.OutputSize(conv.Width);

            if (height <= 0 || width <= 0)
            {
                Assert.Equal("GNET0204", Assert.Single(result.Diagnostics).Id);
                return;
            }
            Assert.False(result.HasErrors, Gnet.Describe(result.Diagnostics));
            var node = Gnet.Node(Assert.Single(result.Networks).Network!, "c");
            Assert.Equal(TensorShape.Chw(conv.OutChannels, (int)height, (int)width), node.Output);
            int perGroup = conv.InChannels / conv.Groups;
            Assert.Equal((long)conv.OutChannels * perGroup * conv.Kernel * conv.Kernel + (conv.Bias ? conv.OutChannels : 0), node.Parameters);
            Assert.Equal(conv.OutChannels * height * width * perGroup * conv.Kernel * conv.Kernel, node.MultiplyAccumulates);
        }, iter: 3_000);
    }

    [Fact]
    public void Any_groups_is_accepted_exactly_when_it_divides_both_channel_counts_and_otherwise_the_valid_ones_are_listed()
    {
        Gen.Select(Gen.Int[1, 48], Gen.Int[1, 48], Gen.Int[1, 48]).Sample(t =>
        {
            var (inChannels, outChannels, groups) = t;
            var result = Gnet.Compile($"network N(input: {inChannels}x4x4) {{\n    c = conv({inChannels}, {outChannels}, 1, groups: {groups})\n}}\n");

            var expected = new List<string>();
            if (inChannels % groups != 0) expected.Add("GNET0201");
            if (outChannels % groups != 0) expected.Add("GNET0202");
            Assert.Equal(expected, Gnet.Errors(result).Select(d => d.Id));
            // The valid groups are the common divisors of both channel counts.
            var divisors = Enumerable.Range(1, Math.Min(inChannels, outChannels)).Where(d => inChannels % d == 0 && outChannels % d == 0);
            Assert.All(Gnet.Errors(result), d => Assert.Equal("valid: " + string.Join(", ", divisors), d.Arguments[3]));
        }, iter: 3_000);
    }

    // ---------------------------------------------------------------- the property every run checks

    private static CompilationResult AssertCompilesSafely(string text)
    {
        var result = Gnet.Compile(text); // must not throw

        foreach (var diagnostic in result.Diagnostics)
        {
            var location = diagnostic.Location;
            Assert.Equal(Gnet.FilePath, location.FilePath); // never the standard library
            Assert.InRange(location.Start, 0, text.Length);
            Assert.InRange(location.Length, 0, text.Length - location.Start);
            Assert.True(location.Line >= 1 && location.Column >= 1, diagnostic.ToString());
            Assert.True((location.EndLine, location.EndColumn).CompareTo((location.Line, location.Column)) >= 0, diagnostic.ToString());
            Assert.NotNull(diagnostic.Message);
        }
        foreach (var network in result.Networks)
        {
            Assert.True(!network.HasErrors || network.Network is null, "a network with errors has no model");
            if (network.Network is { } model) AssertConsistent(model);
        }
        Assert.Equal(result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error), result.HasErrors);
        return result;
    }

    private static void AssertConsistent(Network model)
    {
        Assert.All(model.Nodes, n => Assert.All(n.Inputs, i => Assert.InRange(i, 0, n.Index - 1)));
        Assert.Equal(model.Nodes.Select((_, i) => i), model.Nodes.Select(n => n.Index));
        // As nn.Module.parameters(): every declared weight once, called or not, called once or twice.
        Assert.Equal(model.ParameterCount, model.Weights.Where(w => w.Role == WeightRole.Parameter).Sum(w => w.ElementCount));
        Assert.Equal(model.MultiplyAccumulates, model.Nodes.Sum(n => n.MultiplyAccumulates));
        Assert.Equal(model.Weights.Count, model.Weights.Select(w => w.Key).Distinct().Count());
    }

    private sealed record Mutation(int Kind, double Position, int Length, string Text)
    {
        public string ApplyTo(string text)
        {
            int at = (int)(Position * text.Length);
            int length = Math.Min(Length, text.Length - at);
            return Kind switch
            {
                0 => text.Insert(at, Text),
                1 => text.Remove(at, length),
                2 => text.Remove(at, length).Insert(at, Text),
                3 => text[..at],
                _ => text.Insert(at, text.Substring(at, length)),
            };
        }
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
