using System.Globalization;
using GroupNetDsl.Language.Diagnostics;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Every rule the language reports (GNET01xx syntax, GNET02xx semantics and shapes, GNET04xx advice) with
/// a minimal failing declaration and its correction; then the inputs that must never crash: deep
/// nesting, huge numbers, empty files, broken input shapes. GNET0220 belongs to the attribute form and
/// is tested in <see cref="AttributeFormTests"/>.
/// </summary>
public class DiagnosticTests
{
    private static readonly string Deep = new string('(', 100) + "relu" + new string(')', 100);

    /// <summary>Blocks B1..B17, each with the block below as its member <c>a</c> and <paramref name="forward"/> as its forward.</summary>
    private static string Doubling(string forward) =>
        "block B0(c) { r = relu }\n"
        + string.Concat(Enumerable.Range(1, 17).Select(i => $"block B{i}(c) {{\n    a = B{i - 1}(c)\n    forward(x) = {forward}\n}}\n"))
        + "network N(input: 3x8x8) { b = B17(3) }\n";

    /// <summary>The cases, by a name that says what each shows. Columns are 1-based and count characters.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticCase> Cases = new Dictionary<string, DiagnosticCase>
    {
        // ---------------------------------------------------------------- GNET01xx: syntax
        ["GNET0101 a character that is no token"] = new(
            "GNET0101",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3) $
            }
            """,
            2, 23, "$", new[] { "$" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3)
            }
            """),
        ["GNET0102 a missing comma between arguments"] = new(
            "GNET0102",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8 3)
            }
            """,
            2, 19, "3", new[] { "')'", "number '3'" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3)
            }
            """),
        ["GNET0103 an integer beyond 32 bits"] = new(
            "GNET0103",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, padding: 9999999999)
            }
            """,
            2, 32, "9999999999", new[] { "9999999999", "integers must be at most 2147483647" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, padding: 1)
            }
            """),
        ["GNET0104 a hundred nested parentheses"] = new(
            "GNET0104",
            "network N(input: 3x8x8) {\n    c = " + Deep + "\n}\n",
            // The member's value is level 1 and each parenthesis opens one more: the parser stops at the
            // 65th, which would open level 66. It is at column 8 + 65.
            2, 73, "(", new[] { "64" },
            "network N(input: 3x8x8) {\n    c = (((relu)))\n}\n"),
        ["GNET0105 an input shape with two dimensions"] = new(
            "GNET0105",
            """
            network N(input: 3x8) {
                r = relu
            }
            """,
            1, 18, "3x8", new[] { "3x8" },
            """
            network N(input: 3x8x8) {
                r = relu
            }
            """),

        ["GNET0108 a quoted name with a dot"] = new(
            "GNET0108",
            """
            network N(input: 3x8x8) {
                "a.b" = relu
            }
            """,
            2, 5, "\"a.b\"", new[] { "\"a.b\"", "a '.' separates the segments of a state_dict key, so a name cannot hold one" },
            """
            network N(input: 3x8x8) {
                "a-b" = relu
            }
            """),
        ["GNET0109 an argument named with '='"] = new(
            "GNET0109",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1, padding = 1)
            }
            """,
            2, 23, "padding = 1", new[] { "padding", "1" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1, padding: 1)
            }
            """),
        ["GNET0110 a comment written with '//'"] = new(
            "GNET0110",
            """
            network N(input: 3x8x8) {
                // the stem
                c = conv(3, 8, 1)
            }
            """,
            2, 5, "//", new[] { "the stem" },
            """
            network N(input: 3x8x8) {
                # the stem
                c = conv(3, 8, 1)
            }
            """),
        ["GNET0112 a PyTorch spelling"] = new(
            "GNET0112",
            """
            network N(input: 3x8x8) {
                c = nn.Conv2d(3, 8, 1)
            }
            """,
            2, 9, "nn.Conv2d", new[] { "nn.Conv2d", "write `conv`" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
            }
            """),
        ["GNET0111 a return among the members"] = new(
            "GNET0111",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                return relu(c(input))
            }
            """,
            3, 5, "return", new[] { "input", "relu(c(input))" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                forward(input) = relu(c(input))
            }
            """),

        // ---------------------------------------------------------------- GNET02xx: semantics and shapes
        ["GNET0107 a forward block without a return"] = new(
            "GNET0107",
            """
            network N(input: 8x8x8) {
                a = conv(4, 4, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 2)
                    y = cat(x1, a(x2))
                }
            }
            """,
            6, 5, "}", new[] { "has no return" },
            """
            network N(input: 8x8x8) {
                a = conv(4, 4, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 2)
                    return cat(x1, a(x2))
                }
            }
            """),
        ["GNET0107 a line after the return"] = new(
            "GNET0107",
            """
            network N(input: 8x8x8) {
                forward(x) {
                    y = relu(x)
                    return y
                    z = relu6(y)
                }
            }
            """,
            5, 9, "z", new[] { "continues after its return" },
            """
            network N(input: 8x8x8) {
                forward(x) {
                    y = relu(x)
                    return y
                }
            }
            """),
        ["GNET0107 the output written without return"] = new(
            "GNET0107",
            """
            network N(input: 8x8x8) {
                a = conv(4, 4, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 2)
                    cat(x1, a(x2))
                }
            }
            """,
            5, 9, "cat(x1, a(x2))", new[] { "has a value that is neither named nor returned" },
            """
            network N(input: 8x8x8) {
                a = conv(4, 4, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 2)
                    return cat(x1, a(x2))
                }
            }
            """),

        ["GNET0201 in_channels not divisible by groups"] = new(
            "GNET0201",
            """
            network N(input: 6x8x8) {
                c = conv(6, 8, 3, groups: 4)
            }
            """,
            2, 31, "4", new[] { "c", "6", "4", "valid: 1, 2" },
            """
            network N(input: 6x8x8) {
                c = conv(6, 8, 3, groups: 2)
            }
            """),
        ["GNET0202 out_channels not divisible by groups"] = new(
            "GNET0202",
            """
            network N(input: 8x8x8) {
                c = conv(8, 6, 3, groups: 4)
            }
            """,
            2, 31, "4", new[] { "c", "6", "4", "valid: 1, 2" },
            """
            network N(input: 8x8x8) {
                c = conv(8, 6, 3, groups: 2)
            }
            """),
        ["GNET0203 in_channels differ from the channels that arrive"] = new(
            "GNET0203",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                b = conv(4, 16, 1)
            }
            """,
            3, 14, "4", new[] { "b", "4", "8", "input 8x8x8", "set in_channels to 8 or change the layer before it" },
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                b = conv(8, 16, 1)
            }
            """),
        ["GNET0203 batchnorm features differ from the channels that arrive"] = new(
            "GNET0203",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                n = batchnorm(16)
            }
            """,
            3, 19, "16", new[] { "n", "16", "8", "input 8x8x8", "set num_features to 8 or change the layer before it" },
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                n = batchnorm(8)
            }
            """),
        ["GNET0204 a kernel larger than the padded input"] = new(
            "GNET0204",
            """
            network N(input: 3x4x4) {
                c = conv(3, 8, 5)
            }
            """,
            2, 9, "conv(3, 8, 5)", new[] { "c", "0x0", "3x4x4" },
            """
            network N(input: 3x4x4) {
                c = conv(3, 8, 5, padding: 1)
            }
            """),
        ["GNET0204 a second pool on a 1x1 image"] = new(
            "GNET0204",
            """
            network N(input: 3x2x2) {
                p = [maxpool(2), maxpool(2)]
            }
            """,
            2, 22, "maxpool(2)", new[] { "p.1", "0x0", "3x1x1" },
            """
            network N(input: 3x2x2) {
                p = [maxpool(2)]
            }
            """),
        ["GNET0204 a dilated kernel of 2^32 + 1, which wraps to 1 in 32 bits"] = new(
            "GNET0204",
            """
            network N(input: 2x8x8) {
                c = conv(2, 2, 257, dilation: 16777216, groups: 2)
                p = conv(2, 4, 1)
            }
            """,
            2, 9, "conv(2, 2, 257, dilation: 16777216, groups: 2)", new[] { "c", "0x0", "2x8x8" },
            """
            network N(input: 2x8x8) {
                c = conv(2, 2, 3, dilation: 2, groups: 2)
                p = conv(2, 4, 1)
            }
            """),
        ["GNET0205 add of two different shapes"] = new(
            "GNET0205",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 3, padding: 1)
                b = conv(3, 8, 3)
                forward(x) = a(x) + b(x)
            }
            """,
            4, 18, "a(x) + b(x)", new[] { "add", "8x8x8", "8x6x6" },
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 3, padding: 1)
                b = conv(3, 8, 3, padding: 1)
                forward(x) = a(x) + b(x)
            }
            """),
        ["GNET0206 linear in_features differ from the flattened size"] = new(
            "GNET0206",
            """
            network N(input: 3x8x8) {
                pool = avgpool
                fc = linear(4, 10)
                forward(x) = fc(flatten(pool(x)))
            }
            """,
            3, 17, "4", new[] { "fc", "4", "3", "input 3" },
            """
            network N(input: 3x8x8) {
                pool = avgpool
                fc = linear(3, 10)
                forward(x) = fc(flatten(pool(x)))
            }
            """),
        ["GNET0207 unknown op"] = new(
            "GNET0207",
            """
            network N(input: 3x8x8) {
                c = conv2d(3, 8, 3)
            }
            """,
            2, 9, "conv2d", new[] { "name", "conv2d", "did you mean 'conv'?" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3)
            }
            """),
        ["GNET0207 a PyTorch name far from any op"] = new(
            "GNET0207",
            """
            network N(input: 3x8x8) {
                pool = adaptive_avg_pool2d(1)
                forward(x) = pool(x)
            }
            """,
            2, 12, "adaptive_avg_pool2d", new[] { "name", "adaptive_avg_pool2d", "that is PyTorch's name: write `avgpool`, without arguments (the global average)" },
            """
            network N(input: 3x8x8) {
                pool = avgpool
                forward(x) = pool(x)
            }
            """),
        ["GNET0207 unknown block"] = new(
            "GNET0207",
            """
            network N(input: 8x8x8) {
                b = GroupBottleneck(8, 16)
            }
            """,
            2, 9, "GroupBottleneck", new[] { "name", "GroupBottleneck", "did you mean 'GroupedBottleneck'?" },
            """
            network N(input: 8x8x8) {
                b = GroupedBottleneck(8, 16)
            }
            """),
        ["GNET0207 unknown name in an expression, inside a user block"] = new(
            "GNET0207",
            """
            block Widen(channels) {
                c = conv(3, chanels, 1)
            }
            network N(input: 3x8x8) {
                w = Widen(8)
            }
            """,
            2, 17, "chanels", new[] { "name", "chanels", "did you mean 'channels'?" },
            """
            block Widen(channels) {
                c = conv(3, channels, 1)
            }
            network N(input: 3x8x8) {
                w = Widen(8)
            }
            """),
        ["GNET0208 unknown argument of an op"] = new(
            "GNET0208",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, stide: 2)
            }
            """,
            2, 23, "stide: 2", new[] { "conv", "stide", "in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, stride: 2)
            }
            """),
        ["GNET0208 unknown argument of a standard-library block"] = new(
            "GNET0208",
            """
            network N(input: 8x8x8) {
                b = GroupedBottleneck(8, 16, ratio: 0.25)
            }
            """,
            2, 34, "ratio: 0.25", new[] { "GroupedBottleneck", "ratio", "cin, cout, bottleneck_ratio, groups, stride" },
            """
            network N(input: 8x8x8) {
                b = GroupedBottleneck(8, 16, bottleneck_ratio: 0.25, groups: 2)
            }
            """),
        ["GNET0209 a float where an integer is needed"] = new(
            "GNET0209",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3.0)
            }
            """,
            2, 20, "3.0", new[] { "argument 'kernel_size' of 'conv'", "an integer", "the number 3" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3)
            }
            """),
        ["GNET0209 a number where true or false is needed"] = new(
            "GNET0209",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, bias: 0)
            }
            """,
            2, 29, "0", new[] { "argument 'bias' of 'conv'", "true or false", "the integer 0" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, bias: false)
            }
            """),
        ["GNET0210 missing required argument"] = new(
            "GNET0210",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8)
            }
            """,
            2, 9, "conv(3, 8)", new[] { "conv", "kernel_size" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
            }
            """),
        ["GNET0211 duplicate member"] = new(
            "GNET0211",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                c = relu
            }
            """,
            3, 5, "c", new[] { "c" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                r = relu
            }
            """),
        ["GNET0211 duplicate block"] = new(
            "GNET0211",
            """
            block Act(n) { a = relu }
            block Act(n) { a = relu6 }
            network N(input: 3x8x8) { a = Act(1) }
            """,
            2, 7, "Act", new[] { "Act" },
            """
            block Act(n) { a = relu }
            block Act6(n) { a = relu6 }
            network N(input: 3x8x8) { a = Act(1) }
            """),
        ["GNET0211 duplicate network"] = new(
            "GNET0211",
            """
            network N(input: 3x8x8) { r = relu }
            network N(input: 3x8x8) { r = relu6 }
            """,
            2, 9, "N", new[] { "N" },
            """
            network N(input: 3x8x8) { r = relu }
            network M(input: 3x8x8) { r = relu6 }
            """),
        ["GNET0211 duplicate block parameter"] = new(
            "GNET0211",
            """
            block Act(n, n) { a = relu }
            network N(input: 3x8x8) { a = Act(1) }
            """,
            1, 14, "n", new[] { "n" },
            """
            block Act(n, m = 2) { a = relu }
            network N(input: 3x8x8) { a = Act(1) }
            """),
        ["GNET0211 two forwards"] = new(
            "GNET0211",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                forward(x) = c(x)
                forward(y) = c(y)
            }
            """,
            4, 5, "forward", new[] { "forward" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                forward(x) = c(x)
            }
            """),
        ["GNET0212 recursion between two blocks"] = new(
            "GNET0212",
            """
            block A(n) { b = B(n) }
            block B(n) { a = A(n) }
            network N(input: 3x8x8) { a = A(1) }
            """,
            2, 18, "A(n)", new[] { "A", "A -> B -> A" },
            """
            block A(n) { b = B(n) }
            block B(n) { r = relu }
            network N(input: 3x8x8) { a = A(1) }
            """),
        ["GNET0213 more positional arguments than conv has"] = new(
            "GNET0213",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, 1, 0, 1, 1, false, 7)
            }
            """,
            2, 42, "7", new[] { "conv", "8 positional arguments", "9", "in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, 1, 0, 1, 1, false)
            }
            """),
        ["GNET0214 stride zero"] = new(
            "GNET0214",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, stride: 0)
            }
            """,
            2, 31, "0", new[] { "c", "stride", "at least 1", "0" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, stride: 1)
            }
            """),
        ["GNET0215 linear on an image that was not flattened"] = new(
            "GNET0215",
            """
            network N(input: 3x8x8) {
                fc = linear(192, 10)
            }
            """,
            2, 10, "linear(192, 10)", new[] { "fc", "a flat", "an image 3x8x8", "flatten it first, for example fc(flatten(x))" },
            """
            network N(input: 3x8x8) {
                flat = flatten
                fc = linear(192, 10)
            }
            """),
        ["GNET0215 conv after flatten"] = new(
            "GNET0215",
            """
            network N(input: 3x8x8) {
                flat = flatten
                c = conv(192, 8, 1)
            }
            """,
            3, 9, "conv(192, 8, 1)", new[] { "c", "an image (channels x height x width)", "a flat vector of 192", "flatten comes last, before linear" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                flat = flatten
            }
            """),
        ["GNET0216 division by zero"] = new(
            "GNET0216",
            """
            network N(input: 3x8x8) {
                n = 1 / 0
                r = relu
            }
            """,
            2, 9, "1 / 0", new[] { "division", "the divisor is zero" },
            """
            network N(input: 3x8x8) {
                n = 1 / 2
                r = relu
            }
            """),
        ["GNET0216 a layer used as a tensor in forward"] = new(
            "GNET0216",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                forward(x) = c
            }
            """,
            3, 18, "c", new[] { "c", "'c' is a layer; call it on a tensor, for example c(x)" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 1)
                forward(x) = c(x)
            }
            """),
        ["GNET0217 a tensor of more than 2^28 elements"] = new(
            "GNET0217",
            """
            network N(input: 1x16384x16384) {
                c = conv(1, 2, 1)
            }
            """,
            2, 9, "conv(1, 2, 1)", new[] { "c", "2x16384x16384", "536870912", "268435456" },
            """
            network N(input: 1x16384x16384) {
                c = conv(1, 1, 1)
            }
            """),
        ["GNET0217 zero-padded planes past the kernels' 2^30 floats"] = new(
            "GNET0217",
            """
            network N(input: 1x1x1) {
                c = conv(1, 1, 3, dilation: 32768, padding: 32768)
            }
            """,
            // One plane of (1 + 2 x 32768)^2 floats, 16 floats of gap and one more row.
            2, 9, "conv(1, 1, 3, dilation: 32768, padding: 32768)", new[] { "c", "zero-padded input planes 1x1x65537x65537 (channels x stride phases x rows x columns)", (65537L * 65537 + 16 + 65537).ToString(CultureInfo.InvariantCulture), "1073741824" },
            """
            network N(input: 1x1x1) {
                c = conv(1, 1, 3, dilation: 2, padding: 2)
            }
            """),
        ["GNET0217 a linear weight past 2^30 floats"] = new(
            "GNET0217",
            """
            network N(input: 1x256x256) {
                fc = linear(65536, 16385)
                forward(x) = fc(flatten(x))
            }
            """,
            2, 10, "linear(65536, 16385)", new[] { "fc", "weight 16385x65536", (65536L * 16385).ToString(CultureInfo.InvariantCulture), "1073741824" },
            """
            network N(input: 1x256x256) {
                fc = linear(65536, 16384)
                forward(x) = fc(flatten(x))
            }
            """),
        ["GNET0218 an argument given by position and by name"] = new(
            "GNET0218",
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, 3, kernel_size: 1)
            }
            """,
            2, 23, "kernel_size: 1", new[] { "conv", "kernel_size" },
            """
            network N(input: 3x8x8) {
                c = conv(3, 8, kernel_size: 1)
            }
            """),
        ["GNET0219 a network without input shape"] = new(
            "GNET0219",
            """
            network N() {
                r = relu
            }
            """,
            1, 9, "N", new[] { "N" },
            """
            network N(input: 3x8x8) {
                r = relu
            }
            """),
        ["GNET0221 a network without layers"] = new(
            "GNET0221",
            """
            network N(input: 3x8x8) {
                width = 8
            }
            """,
            1, 9, "N", new[] { "Network 'N'" },
            """
            network N(input: 3x8x8) {
                width = 8
                c = conv(3, width, 1)
            }
            """),

        ["GNET0222 a block that calls a member twice, seventeen levels deep"] = new(
            "GNET0222",
            Doubling("a(a(x))"),
            // 2^17 = 131072 relus; the diagnostic is at the network's name, on the last line.
            18 * 4 - 2, 9, "N", new[] { "N", "100000", "nodes", "a block that calls a member more than once doubles the graph at each level; call each member once or use fewer levels" },
            Doubling("a(x)")),
        ["GNET0225 a squeeze-and-excitation scale with the wrong channels"] = new(
            "GNET0225",
            """
            network N(input: 8x6x6) {
                squeeze = conv(8, 2, 1)
                excite = conv(2, 4, 1)
                forward(x) = excite(relu(squeeze(avgpool(x)))) * x
            }
            """,
            4, 18, "excite(relu(squeeze(avgpool(x)))) * x", new[] { "mul", "4x1x1", "8x6x6" },
            """
            network N(input: 8x6x6) {
                squeeze = conv(8, 2, 1)
                excite = conv(2, 8, 1)
                forward(x) = excite(relu(squeeze(avgpool(x)))) * x
            }
            """),

        ["GNET0226 a conv on a channels-last tensor"] = new(
            "GNET0226",
            """
            network N(input: 8x6x6) {
                mix = [permute(0, 2, 3, 1), linear(8, 8), relu]
                conv = conv(8, 8, 3, padding: 1)
            }
            """,
            3, 12, "conv(8, 8, 3, padding: 1)", new[] { "conv", "conv cannot take the channels-last tensor 6x6x8 (channels last)" },
            """
            network N(input: 8x6x6) {
                mix = [permute(0, 2, 3, 1), linear(8, 8), relu, permute(0, 3, 1, 2)]
                conv = conv(8, 8, 3, padding: 1)
            }
            """),

        ["GNET0211 a name bound twice in a forward block"] = new(
            "GNET0211",
            """
            network N(input: 8x8x8) {
                forward(x) {
                    y = relu(x)
                    y = relu6(y)
                    return y
                }
            }
            """,
            4, 9, "y", new[] { "y" },
            """
            network N(input: 8x8x8) {
                forward(x) {
                    y = relu(x)
                    z = relu6(y)
                    return z
                }
            }
            """),
        ["GNET0214 narrow past the last channel"] = new(
            "GNET0214",
            """
            network N(input: 8x8x8) {
                forward(x) = narrow(x, 6, 4)
            }
            """,
            2, 31, "4", new[] { "narrow", "start + length", "at most 8, the channels of its input 8x8x8", "10" },
            """
            network N(input: 8x8x8) {
                forward(x) = narrow(x, 4, 4)
            }
            """),
        ["GNET0214 cat along another dimension than the channels"] = new(
            "GNET0214",
            """
            network N(input: 8x8x8) {
                forward(x) = cat(x, x, dim: 0)
            }
            """,
            2, 33, "0", new[] { "cat", "dim", "1 (the channels; -3 is the same dimension), the only one it works along", "0" },
            """
            network N(input: 8x8x8) {
                forward(x) = cat(x, x, dim: 1)
            }
            """),
        ["GNET0216 chunk declared as a member"] = new(
            "GNET0216",
            """
            network N(input: 8x8x8) {
                halves = chunk(2)
            }
            """,
            2, 14, "chunk(2)", new[] { "chunk", "'chunk' gives several tensors; use it in a forward block that names them, for example (a, b) = chunk(x, ...)" },
            """
            network N(input: 8x8x8) {
                forward(x) {
                    (a, b) = chunk(x, 2)
                    return a + b
                }
            }
            """),
        ["GNET0230 cat of a strided branch and an unstrided one"] = new(
            "GNET0230",
            """
            network N(input: 8x8x8) {
                a = conv(8, 8, 3, stride: 2, padding: 1)
                forward(x) = cat(x, a(x))
            }
            """,
            3, 18, "cat(x, a(x))", new[] { "cat", "8x8x8, 8x4x4", "make every operand 8x8 like the first (or flatten them all)" },
            """
            network N(input: 8x8x8) {
                a = conv(8, 8, 3, padding: 1)
                forward(x) = cat(x, a(x))
            }
            """),
        ["GNET0231 split sizes that miss channels"] = new(
            "GNET0231",
            """
            network N(input: 8x8x8) {
                a = conv(6, 6, 1)
                forward(x) {
                    (x1, x2) = split(x, [2, 4])
                    return cat(x1, a(x2))
                }
            }
            """,
            4, 29, "[2, 4]", new[] { "split", "[2, 4]", "6", "8", "input 8x8x8" },
            """
            network N(input: 8x8x8) {
                a = conv(6, 6, 1)
                forward(x) {
                    (x1, x2) = split(x, [2, 6])
                    return cat(x1, a(x2))
                }
            }
            """),
        ["GNET0232 channel_shuffle groups that do not divide the channels"] = new(
            "GNET0232",
            """
            network N(input: 6x8x8) {
                forward(x) = channel_shuffle(x, 4)
            }
            """,
            2, 37, "4", new[] { "channel_shuffle", "4", "6", "1, 2, 3, 6" },
            """
            network N(input: 6x8x8) {
                forward(x) = channel_shuffle(x, 3)
            }
            """),
        ["GNET0233 fewer names than chunk gives"] = new(
            "GNET0233",
            """
            network N(input: 6x8x8) {
                a = conv(2, 2, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 3)
                    return cat(x1, a(x2))
                }
            }
            """,
            4, 9, "(x1, x2)", new[] { "'chunk'", "3 tensors (of 2, 2, 2 channels)", "2 names receive them", "write 3 names: (x1, x2, x3) = chunk(...)" },
            """
            network N(input: 6x8x8) {
                a = conv(2, 2, 1)
                forward(x) {
                    (x1, x2, x3) = chunk(x, 3)
                    return cat(x1, a(x2), x3)
                }
            }
            """),
        ["GNET0233 the tensors of chunk where one tensor is expected"] = new(
            "GNET0233",
            """
            network N(input: 6x8x8) {
                a = conv(3, 3, 1)
                forward(x) = a(chunk(x, 2))
            }
            """,
            3, 20, "chunk(x, 2)", new[] { "'chunk'", "2 tensors (of 3, 3 channels)", "one tensor is expected here", "name them in a forward block first: (x1, x2) = chunk(...)" },
            """
            network N(input: 6x8x8) {
                a = conv(3, 3, 1)
                forward(x) {
                    (x1, x2) = chunk(x, 2)
                    return cat(a(x1), x2)
                }
            }
            """),

        ["GNET0235 an import of a file that is not compiled"] = new(
            "GNET0235",
            """
            import "missing.gnet"
            network N(input: 3x8x8) {
                r = relu
            }
            """,
            1, 1, "import \"missing.gnet\"", new[] { "missing.gnet", "" },
            """
            network N(input: 3x8x8) {
                r = relu
            }
            """),

        ["GNET0223 gelu with the tanh approximation"] = new(
            "GNET0223",
            """
            network N(input: 3x8x8) {
                act = gelu(approximate: "tanh")
            }
            """,
            2, 29, "\"tanh\"", new[] { "act", "approximate \"tanh\"", "leave it out or write \"none\": only nn.GELU()'s exact form is implemented, not the tanh approximation" },
            """
            network N(input: 3x8x8) {
                act = gelu
            }
            """),
        ["GNET0223 stochastic_depth with an unknown mode"] = new(
            "GNET0223",
            """
            network N(input: 3x8x8) {
                sd = stochastic_depth(0.2, "rows")
            }
            """,
            2, 32, "\"rows\"", new[] { "sd", "mode \"rows\"", "write \"row\" or \"batch\", torchvision's modes (at inference either is the identity)" },
            """
            network N(input: 3x8x8) {
                sd = stochastic_depth(0.2, "row")
            }
            """),
        ["GNET0214 dropout probability above 1"] = new(
            "GNET0214",
            """
            network N(input: 3x8x8) {
                d = dropout(p: 1.5)
            }
            """,
            2, 20, "1.5", new[] { "d", "p", "between 0 and 1", "1.5" },
            """
            network N(input: 3x8x8) {
                d = dropout(p: 0.5)
            }
            """),
        ["GNET0214 stochastic depth probability below 0"] = new(
            "GNET0214",
            """
            network N(input: 3x8x8) {
                sd = stochastic_depth(-0.1)
            }
            """,
            2, 27, "-0.1", new[] { "sd", "p", "between 0 and 1", "-0.1" },
            """
            network N(input: 3x8x8) {
                sd = stochastic_depth(0.1)
            }
            """),

        // ---------------------------------------------------------------- GNET04xx: advice
        ["GNET0401 depthwise conv whose channels are never mixed"] = new(
            "GNET0401",
            """
            network N(input: 8x8x8) {
                dw = conv(8, 8, 3, padding: 1, groups: 8, bias: false)
            }
            """,
            2, 10, "conv(8, 8, 3, padding: 1, groups: 8, bias: false)", new[] { "dw" },
            """
            network N(input: 8x8x8) {
                dw = conv(8, 8, 3, padding: 1, groups: 8, bias: false)
                pw = conv(8, 16, 1, bias: false)
            }
            """),
        ["GNET0402 grouped conv right after grouped conv"] = new(
            "GNET0402",
            """
            network N(input: 8x8x8) {
                a = [conv(8, 8, 3, padding: 1, groups: 2), batchnorm(8), relu]
                b = conv(8, 8, 3, padding: 1, groups: 2)
            }
            """,
            3, 9, "conv(8, 8, 3, padding: 1, groups: 2)", new[] { "b", "a.0" },
            """
            network N(input: 8x8x8) {
                a = [conv(8, 8, 3, padding: 1, groups: 2), batchnorm(8), relu]
                mix = conv(8, 8, 1)
                b = conv(8, 8, 3, padding: 1, groups: 2)
            }
            """),
        ["GNET0403 a member forward never calls"] = new(
            "GNET0403",
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                b = relu
                forward(x) = a(x)
            }
            """,
            3, 5, "b", new[] { "b" },
            """
            network N(input: 3x8x8) {
                a = conv(3, 8, 1)
                b = relu
                forward(x) = b(a(x))
            }
            """),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Failing_declaration_reports_the_rule_once_at_its_exact_place_with_its_arguments_and_nothing_else(string name)
    {
        var example = Cases[name];
        var result = Gnet.Compile(example.Failing);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(example.Id, diagnostic.Id);
        Assert.Equal(Gnet.FilePath, diagnostic.Location.FilePath);
        Assert.Equal((example.Line, example.Column), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(example.Covered, Gnet.Covered(example.Failing, diagnostic.Location));
        Assert.Equal(example.Arguments, diagnostic.Arguments);
        // The message is the catalog's format filled with exactly these arguments.
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, diagnostic.Descriptor.MessageFormat, example.Arguments), diagnostic.Message);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Errors_leave_no_model_while_advice_keeps_it(string name)
    {
        var example = Cases[name];
        var result = Gnet.Compile(example.Failing);

        bool isAdvice = example.Id.StartsWith("GNET04", StringComparison.Ordinal);
        Assert.Equal(!isAdvice, result.HasErrors);
        if (name == "GNET0211 duplicate network") return; // see ASecondNetworkOfTheSameNameIsIgnored
        Assert.All(result.Networks, n => Assert.Equal(isAdvice, n.Network is not null));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Corrected_declaration_compiles_without_any_diagnostic(string name)
    {
        var example = Cases[name];
        var result = Gnet.Compile(example.Corrected);

        Assert.True(result.Diagnostics.Count == 0, Gnet.Describe(result.Diagnostics));
        Assert.NotEmpty(result.Networks);
        Assert.All(result.Networks, n => Assert.NotNull(n.Network));
    }

    [Fact]
    public void Every_rule_of_the_language_has_a_failing_and_a_corrected_example()
    {
        var languageRules = DiagnosticDescriptors.All
            .Select(d => d.Id)
            .Where(id => !id.StartsWith("GNET03", StringComparison.Ordinal)) // C# usage: the analyzers' rules
            .Where(id => id != DiagnosticDescriptors.InvalidLayerName.Id)    // attribute form: AttributeFormTests
            .Where(id => id != DiagnosticDescriptors.TooManyErrors.Id)       // never alone: BoundedWorkTests
            .Where(id => id != DiagnosticDescriptors.AmbiguousImport.Id);    // needs three files: LanguageFeatureTests

        Assert.Equal(languageRules.Order(), Cases.Values.Select(c => c.Id).Distinct().Order());
    }

    [Fact]
    public void Errors_warnings_and_info_have_the_catalogs_severities()
    {
        Assert.All(DiagnosticDescriptors.All.Where(d => d.Id.StartsWith("GNET01", StringComparison.Ordinal) || d.Id.StartsWith("GNET02", StringComparison.Ordinal)),
            d => Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity));
        Assert.Equal(DiagnosticSeverity.Warning, DiagnosticDescriptors.DepthwiseWithoutPointwise.DefaultSeverity);
        Assert.Equal(DiagnosticSeverity.Warning, DiagnosticDescriptors.StackedGroupedConvs.DefaultSeverity);
        Assert.Equal(DiagnosticSeverity.Info, DiagnosticDescriptors.UnusedModule.DefaultSeverity);
        Assert.Equal(DiagnosticDescriptors.All.Length, DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void A_second_network_of_the_same_name_is_ignored_and_the_first_keeps_its_model()
    {
        var result = Gnet.Compile(Cases["GNET0211 duplicate network"].Failing);

        var network = Assert.Single(result.Networks);
        Assert.Equal((1, "relu"), (network.Location.Line, network.Network!.Nodes[1].Operation.OpName));
        Assert.Empty(network.Diagnostics); // the duplicate is the file's error, reported at the second declaration
        Assert.True(result.HasErrors);
    }

    [Fact]
    public void A_network_using_a_block_declared_twice_gets_no_model()
    {
        var result = Gnet.Compile(Cases["GNET0211 duplicate block"].Failing);

        Assert.Null(Assert.Single(result.Networks).Network);
    }

    // ---------------------------------------------------------------- syntax errors: all of them, and only them

    [Fact]
    public void Every_syntax_error_of_a_file_is_reported_not_just_the_first()
    {
        const string text = """
            network A(input: 3x8x8) {
                a = conv(3, 8 3)
                b = relu
                c = ]
            }
            network B(input: 3x8x8) {
                d = relu @
                e = conv(8, 8, 1
                f = relu
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal(
            new[]
            {
                ("GNET0102", 2, 19, "3"),
                ("GNET0102", 4, 9, "]"),
                ("GNET0101", 7, 14, "@"),
                ("GNET0102", 8, 21, ""), // ')' missing at the end of the line, before the next member
            },
            result.Diagnostics.Select(d => (d.Id, d.Location.Line, d.Location.Column, Gnet.Covered(text, d.Location))));
        Assert.All(result.Networks, n => Assert.Null(n.Network));
    }

    [Fact]
    public void Members_beside_a_syntax_error_are_still_checked_for_their_own_errors()
    {
        const string text = """
            network N(input: 3x8x8) {
                a = conv(3, 8 3)
                b = conv(3, 8, 3, groups: 3)
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0102", 2), ("GNET0202", 3) }, result.Diagnostics.Select(d => (d.Id, d.Location.Line)));
    }

    [Fact]
    public void A_broken_member_does_not_make_its_neighbours_report_shape_errors()
    {
        // Without 'a' the chain would feed 3 channels to 'b', which expects 8: an error the user never made.
        const string text = """
            network N(input: 3x8x8) {
                a = conv(3, 8, 99999999999)
                b = conv(8, 16, 1)
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal("GNET0103", Assert.Single(result.Diagnostics).Id);
    }

    [Fact]
    public void A_broken_forward_does_not_turn_its_members_into_a_sequence()
    {
        // Run in order, 'skip' would receive 16 channels and report a mismatch; nor is any member unused.
        const string text = """
            block Residual(c) {
                body = conv(c, 16, 1)
                skip = conv(c, 16, 1)
                forward(x) = body(x) + skip(x
            }
            network N(input: 3x8x8) {
                r = Residual(3)
            }
            """;
        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0102", 4), (diagnostic.Id, diagnostic.Location.Line));
    }

    [Fact]
    public void A_control_character_is_shown_as_an_escape_in_the_message()
    {
        var result = Gnet.Compile("network N(input: 3x8x8) {\n    r = relu \u0001\n}\n");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0101", 2, 14), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(new[] { "\\u0001" }, diagnostic.Arguments);
    }

    [Fact]
    public void Self_recursion_is_a_cycle_of_one_block()
    {
        var result = Gnet.Compile("block Loop(n) { again = Loop(n) }\nnetwork N(input: 3x8x8) { l = Loop(1) }\n");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GNET0212", diagnostic.Id);
        Assert.Equal(new[] { "Loop", "Loop -> Loop" }, diagnostic.Arguments);
        Assert.Equal((1, 25), (diagnostic.Location.Line, diagnostic.Location.Column));
    }

    // ---------------------------------------------------------------- deep nesting: a diagnostic, never a stack overflow

    public static TheoryData<string, string, string, string> DeepNestings => new()
    {
        // kind, opening, innermost, closing
        { "parentheses", "(", "relu", ")" },
        { "brackets", "[", "relu", "]" },
        { "calls", "max(1, ", "1", ")" },
        { "unary minus", "-", "1", string.Empty },
        { "negation", "!", "true", string.Empty },
        { "if-then-else", "if true then ", "relu", " else relu" },
        { "a chain of additions", "1 + ", "1", string.Empty },
        { "a chain of comparisons", "1 < ", "1", string.Empty },
        { "a chain of products", "2 * ", "1", string.Empty },
    };

    [Theory]
    [MemberData(nameof(DeepNestings))]
    public void Ten_thousand_levels_of_nesting_give_GNET0104_and_no_stack_overflow(string kind, string open, string innermost, string close)
    {
        string text = "network N(input: 3x8x8) {\n    c = " + Repeat(open, 10_000) + innermost + Repeat(close, 10_000) + "\n    r = relu\n}\n";

        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.True(diagnostic.Id == "GNET0104", kind + ": " + diagnostic);
        Assert.Equal(2, diagnostic.Location.Line);
        Assert.Equal(new[] { Syntax.Parser.MaxNesting.ToString(System.Globalization.CultureInfo.InvariantCulture) }, diagnostic.Arguments);
        Assert.Null(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void Nesting_limit_counts_the_members_own_level_so_max_nesting_minus_one_parentheses_are_allowed()
    {
        string Nested(int depth) => "network N(input: 3x8x8) {\n    c = " + Repeat("(", depth) + "relu" + Repeat(")", depth) + "\n}\n";

        Assert.Empty(Gnet.Compile(Nested(Syntax.Parser.MaxNesting - 1)).Diagnostics);
        Assert.Equal("GNET0104", Assert.Single(Gnet.Compile(Nested(Syntax.Parser.MaxNesting)).Diagnostics).Id);
    }

    [Fact]
    public void Long_chains_of_operators_beyond_the_limit_are_too_deep_and_short_ones_are_fine()
    {
        string Sum(int terms) => "block B(n) { c = conv(1, n, 1) }\nnetwork N(input: 1x8x8) {\n    b = B(" + string.Join(" + ", Enumerable.Repeat("1", terms)) + ")\n}\n";

        var network = Gnet.Network(Sum(40));
        Assert.Equal(40, network.Nodes[1].Output.Channels);
        Assert.Equal("GNET0104", Assert.Single(Gnet.Compile(Sum(1_000)).Diagnostics).Id);
    }

    [Fact]
    public void Thousands_of_blocks_calling_each_other_stop_at_the_block_depth_limit()
    {
        const int blocks = 2_000;
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < blocks; i++) text.Append($"block B{i}(c) {{ inner = B{i + 1}(c) }}\n");
        text.Append($"block B{blocks}(c) {{ r = relu }}\n");
        text.Append("network N(input: 3x8x8) { outer = B0(3) }\n");

        var result = Gnet.Compile(text.ToString());

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GNET0104", diagnostic.Id);
        Assert.Equal(new[] { "32" }, diagnostic.Arguments);
        Assert.Equal(32, diagnostic.Location.Line); // the call of B32 inside B31: the 33rd block deep
    }

    // ---------------------------------------------------------------- huge numbers

    public static TheoryData<string, string, string> HugeNumbers => new()
    {
        { "c = conv(3, 8, 2147483648)", "GNET0103", "2147483648" },
        { "c = conv(3, 8, " + new string('9', 10_000) + ")", "GNET0103", new string('9', 10_000) },
        { "c = conv(3, 8, 1, padding: int(1e999))", "GNET0103", "1e999" },
        { "c = conv(3, 8, 2147483647 + 1)", "GNET0216", "2147483647 + 1" },
        { "c = conv(3, 8, 65536 * 65536)", "GNET0216", "65536 * 65536" },
        { "c = conv(3, 8, int(1e300))", "GNET0216", "int(1e300)" },
        { "c = conv(3, 8, 2147483647)", "GNET0214", "2147483647" },
        { "c = conv(3, 2147483647, 1)", "GNET0214", "2147483647" },
    };

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public void Huge_numbers_are_diagnosed_at_the_number(string member, string id, string covered)
    {
        string text = "network N(input: 3x8x8) {\n    " + member + "\n}\n";

        var result = Gnet.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(covered, Gnet.Covered(text, diagnostic.Location));
    }

    [Fact]
    public void An_unknown_name_of_a_million_characters_is_reported_without_a_suggestion()
    {
        string name = new('a', 1_000_000);

        var diagnostic = Assert.Single(Gnet.Compile("network N(input: 3x8x8) {\n    c = " + name + "\n}\n").Diagnostics);

        Assert.Equal("GNET0207", diagnostic.Id);
        Assert.Equal(1_000_000, diagnostic.Location.Length);
        Assert.StartsWith("declare it as a parameter or member", diagnostic.Arguments[2]);
    }

    [Fact]
    public void A_value_beyond_the_supported_range_says_the_upper_limit_not_the_lower_one()
    {
        var diagnostic = Assert.Single(Gnet.Compile("network N(input: 3x8x8) {\n    c = conv(3, 8, 2147483647)\n}\n").Diagnostics);

        Assert.Equal(new[] { "c", "kernel_size", "at most 16777216", "2147483647" }, diagnostic.Arguments);
    }

    // ---------------------------------------------------------------- empty files

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t\r\n  ")]
    [InlineData("# only a comment\n# and another")]
    [InlineData("\uFEFF")]
    [InlineData("block Unused(n) { r = relu }")]
    public void A_file_without_networks_compiles_to_no_networks_and_no_diagnostics(string text)
    {
        var result = Gnet.Compile(text);

        Assert.Empty(result.Networks);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void No_documents_at_all_compile_to_nothing()
    {
        var result = GnetCompiler.Compile(Array.Empty<Text.SourceDocument>());

        Assert.Empty(result.Networks);
        Assert.Empty(result.Diagnostics);
    }

    // ---------------------------------------------------------------- input shapes

    public static TheoryData<string> InvalidShapes => new()
    {
        "3x8",          // two dimensions
        "3x8x8x8",      // four
        "192",          // a vector: a network takes an image
        "0x8x8",        // an empty dimension
        "3x0x8",
        "99999999999x8x8",
        "1x2000000x1",  // a side beyond 2^20
        "64x4096x4096", // 2^30 elements, beyond 2^28
    };

    [Theory]
    [MemberData(nameof(InvalidShapes))]
    public void An_invalid_input_shape_is_GNET0105_at_the_shape(string shape)
    {
        string text = $"network N(input: {shape}) {{\n    r = relu\n}}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);

        Assert.Equal("GNET0105", diagnostic.Id);
        Assert.Equal((1, 18), (diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(shape, Gnet.Covered(text, diagnostic.Location));
        Assert.Equal(new[] { shape }, diagnostic.Arguments);
    }

    [Theory]
    [InlineData("network N(input: image) { r = relu }", 1, 18, "image", "an input shape such as 3x64x64")]
    [InlineData("network N(input 3x8x8) { r = relu }", 1, 17, "3x8x8", "':'")]
    [InlineData("network N(shape: 3x8x8) { r = relu }", 1, 11, "shape", "')'")]
    public void A_misspelled_input_declaration_is_a_syntax_error(string text, int line, int column, string covered, string expected)
    {
        var result = Gnet.Compile(text);

        var syntax = Assert.Single(result.Diagnostics, d => d.Id == "GNET0102");
        Assert.Equal((line, column, covered), (syntax.Location.Line, syntax.Location.Column, Gnet.Covered(text, syntax.Location)));
        Assert.Equal(expected, syntax.Arguments[0]);
        Assert.Null(Assert.Single(result.Networks).Network);
    }

    [Fact]
    public void The_largest_supported_input_is_accepted()
    {
        var network = Gnet.Network("network N(input: 1x16384x16384) { r = relu }");

        Assert.Equal(1L << 28, network.Input.ElementCount);
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
