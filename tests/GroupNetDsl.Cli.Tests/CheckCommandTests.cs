using System.Globalization;
using System.Text.RegularExpressions;
using GroupNetDsl.Cli.Tests.Infrastructure;

namespace GroupNetDsl.Cli.Tests;

public sealed class CheckCommandTests : CommandTests
{
    [Fact]
    public void A_file_with_two_errors_prints_both_as_msbuild_lines_at_their_positions_and_exits_1()
    {
        string[] lines =
        {
            "network TwoErrors(input: 3x32x32) {",
            "    stem = [conv(3, 64, 3, padding: 1, groups: 2), relu]",
            "    body = [conv(64, 64, 3, padding: 1), swish]",
            "    forward(x) = body(stem(x))",
            "}",
        };
        string path = Files.Write("two-errors.gnet", string.Join("\n", lines) + "\n");

        var run = Gnet.Run("check", path);

        // Columns are 1-based: the groups value that does not divide 3, and the unknown name.
        int groupsColumn = lines[1].IndexOf("groups: 2", StringComparison.Ordinal) + "groups: ".Length + 1;
        int swishColumn = lines[2].IndexOf("swish", StringComparison.Ordinal) + 1;
        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(3, run.OutputLines.Length);
        Assert.StartsWith($"{path}(2,{groupsColumn}): error GNET0201: stem.0: in_channels 3 is not divisible by groups 2", run.OutputLines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}(3,{swishColumn}): error GNET0207: Unknown name 'swish'", run.OutputLines[1], StringComparison.Ordinal);
        Assert.Equal("Checked 1 file: 2 errors, 0 warnings.", run.OutputLines[2]);
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public void An_error_inside_a_block_is_followed_by_a_note_at_the_call_that_used_the_block()
    {
        string blocks = Files.Write("blocks.gnet", "block Grouped(cin) {\n    c = conv(cin, 8, 1, groups: 4)\n}\n");
        string network = Files.Write("net.gnet", "import \"blocks.gnet\"\nnetwork N(input: 6x8x8) {\n    g = Grouped(6)\n}\n");

        var run = Gnet.Run("check", network, blocks);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(3, run.OutputLines.Length);
        Assert.StartsWith($"{blocks}(2,33): error GNET0201: g.c: in_channels 6 is not divisible by groups 4", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Equal($"{network}(3,9): note: the block is used here", run.OutputLines[1]);
        Assert.Equal("Checked 2 files: 1 error, 0 warnings.", run.OutputLines[2]);
    }

    [Fact]
    public void A_binary_file_prints_a_hundred_errors_and_a_count_of_the_rest()
    {
        // 64 KB of random bytes: one error per bad character and token, thousands in all without the cap.
        var bytes = new byte[64 * 1024];
        new Random(14).NextBytes(bytes);
        string path = Files.File("binary.gnet");
        File.WriteAllBytes(path, bytes);

        var run = Gnet.Run("check", path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        // 100 errors, one GNET0106 and the verdict.
        Assert.Equal(102, run.OutputLines.Length);
        Assert.Single(run.OutputLines, line => line.Contains("): error GNET0106: ", StringComparison.Ordinal));
        Assert.Equal(100, run.OutputLines.Count(line => line.Contains("): error GNET01", StringComparison.Ordinal) && !line.Contains("GNET0106", StringComparison.Ordinal)));
        // The count is of every error: the 100 printed and the rest that GNET0106 counts.
        int rest = int.Parse(Regex.Match(run.OutputLines[^2], @"GNET0106: (\d+) more errors").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(rest > 1000, run.OutputLines[^2]);
        Assert.Equal($"Checked 1 file: {100 + rest} errors, 0 warnings.", run.OutputLines[^1]);
    }

    [Fact]
    public void The_closing_count_is_of_every_error_not_of_the_hundred_printed()
    {
        // 150 networks, each with one unknown name: exactly 150 errors, of which 100 are printed.
        string path = Files.Write("many-errors.gnet", string.Concat(Enumerable.Range(0, 150).Select(i => $"network N{i}(input: 1x8x8) = swish\n")));

        var run = Gnet.Run("check", path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(100, run.OutputLines.Count(line => line.Contains("): error GNET0207: Unknown name 'swish'", StringComparison.Ordinal)));
        Assert.StartsWith($"{path}(101,30): error GNET0106: 50 more errors in this file are not shown", run.OutputLines[^2], StringComparison.Ordinal);
        Assert.Equal("Checked 1 file: 150 errors, 0 warnings.", run.OutputLines[^1]);
    }

    [Fact]
    public void A_network_named_like_a_generated_member_is_an_error_as_in_the_build()
    {
        string path = Files.Write("members.gnet", "network Forward(input: 1x8x8) = relu\nnetwork Fine(input: 1x8x8) = relu\n");

        var run = Gnet.Run("check", path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(
            [
                $"{path}(1,9): error GNET0307: Network 'Forward' is named like a member of its generated class, which C# does not allow (CS0542), so it gets no code; rename the network, for example to ForwardNetwork",
                "Checked 1 file: 1 error, 0 warnings.",
            ],
            run.OutputLines);
    }

    [Fact]
    public void Two_files_declaring_a_network_of_one_name_is_an_error_at_the_second()
    {
        // Both would become the class GroupNetDsl.Networks.Net of one project. Names differing in case are two classes.
        string first = Files.Write("first.gnet", "network Net(input: 1x8x8) = relu\n");
        string second = Files.Write("second.gnet", "network Net(input: 1x8x8) = relu6\nnetwork NET(input: 1x8x8) = relu\n");

        var run = Gnet.Run("check", first, second);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(
            [
                $"{second}(1,9): error GNET0211: 'Net' is declared more than once; rename one of them",
                "Checked 2 files: 1 error, 0 warnings.",
            ],
            run.OutputLines);
    }

    [Fact]
    public void The_sample_network_is_valid_and_exits_0()
    {
        var run = Gnet.Run("check", ReferenceData.MiniGroupNetSource);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(new[] { "Checked 1 file: 0 errors, 0 warnings." }, run.OutputLines);
    }

    [Fact]
    public void Warnings_are_printed_but_do_not_fail_the_check()
    {
        // A depthwise conv straight into the head mixes no channels: advice, not an error.
        string path = Files.Write("depthwise.gnet", """
            network OnlyDepthwise(input: 32x16x16) {
                dw = conv(32, 32, 3, padding: 1, groups: 32)
                pool = avgpool
                fc = linear(32, 10)
                forward(x) = fc(flatten(pool(dw(x))))
            }
            """);

        var run = Gnet.Run("check", path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.StartsWith($"{path}(2,", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("): warning GNET", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Equal("Checked 1 file: 0 errors, 1 warning.", run.OutputLines[^1]);
    }

    [Fact]
    public void Files_are_compiled_together_so_a_block_in_one_is_visible_in_another_that_imports_it()
    {
        string library = Files.Write("library.gnet", "block Pointwise(c) {\n    mix = conv(c, c, 1)\n}\n");
        string useLine = "    a = Pointwise(4)";
        string network = Files.Write("network.gnet", "import \"library.gnet\"\nnetwork UsesLibrary(input: 4x8x8) {\n" + useLine + "\n}\n");

        var together = Gnet.Run("check", library, network);
        var alone = Gnet.Run("check", network);

        Assert.Equal(ExitCodes.Success, together.ExitCode);
        Assert.Equal("Checked 2 files: 0 errors, 0 warnings.", together.OutputLines[^1]);
        Assert.Equal(ExitCodes.ProblemsFound, alone.ExitCode);
        Assert.Contains(alone.OutputLines, line => line.StartsWith($"{network}(1,1): error GNET0235: No file 'library.gnet' is among the .gnet files compiled together", StringComparison.Ordinal));
        Assert.Contains(alone.OutputLines, line => line.StartsWith($"{network}(3,{useLine.IndexOf('P') + 1}): error GNET0207: Unknown name 'Pointwise'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_named_and_exits_2_without_checking_the_others()
    {
        string missing = Files.File("does-not-exist.gnet");

        var run = Gnet.Run("check", ReferenceData.MiniGroupNetSource, missing);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Equal(new[] { $"error: cannot read '{missing}': the file does not exist." }, run.ErrorLines);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void A_directory_instead_of_a_file_exits_2()
    {
        var run = Gnet.Run("check", Files.Path);

        Assert.Equal(ExitCodes.CannotRun, run.ExitCode);
        Assert.Contains(Files.Path, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_input_yields_diagnostics_not_a_crash()
    {
        string path = Files.Write("garbage.gnet", "network ((( }}} \u0000 \"unterminated\n block 12 = = =");

        var run = Gnet.Run("check", path);

        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.All(run.OutputLines[..^1], line => Assert.Matches(@"^.+\(\d+,\d+\): error GNET\d{4}: ", line));
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public void A_declared_weight_file_is_checked_as_the_build_checks_it()
    {
        string line = "network Head(input: 4x1x1, weights: \"head.safetensors\") = [flatten, linear(4, 2)]";
        string network = Files.Write("head.gnet", line + "\n");
        string weights = Files.File("head.safetensors");
        TensorSpec.Write(weights, new[]
        {
            new TensorSpec("model.1.weight", "F32", new long[] { 2, 4 }),
            new TensorSpec("model.1.bias", "F32", new long[] { 2 }),
            new TensorSpec("extra", "F32", new long[] { 5 }),
        });

        var run = Gnet.Run("check", network);

        int column = line.IndexOf("\"head", StringComparison.Ordinal) + 1;
        Assert.Equal(ExitCodes.ProblemsFound, run.ExitCode);
        Assert.Equal(
            new[]
            {
                $"{network}(1,{column}): error GNET0312: head.safetensors: the keys carry the prefix 'model.' (the file has 'model.1.weight' for '1.weight', and 1 more like it). {GroupNetDsl.Weights.SafeTensorsFile.StripPrefixFix("model.")}",
                $"{network}(1,{column}): error GNET0315: head.safetensors: tensor 'extra' [5] is not used by network Head; the network lacks a layer the exported model has, or names it differently",
                "Checked 1 file: 2 errors, 0 warnings.",
            },
            run.OutputLines);
    }

    [Fact]
    public void A_declared_weight_file_that_is_not_there_is_gnet0310_and_a_matching_one_passes()
    {
        string line = "network Head(input: 4x1x1, weights: \"head.safetensors\") = [flatten, linear(4, 2)]";
        string network = Files.Write("head.gnet", line + "\n");

        var missing = Gnet.Run("check", network);
        TensorSpec.Write(Files.File("head.safetensors"), new[] { new TensorSpec("1.weight", "F32", new long[] { 2, 4 }), new TensorSpec("1.bias", "F32", new long[] { 2 }) });
        var matching = Gnet.Run("check", network);

        Assert.Equal(ExitCodes.ProblemsFound, missing.ExitCode);
        Assert.StartsWith($"{network}(1,{line.IndexOf("\"head", StringComparison.Ordinal) + 1}): error GNET0310: Weight file 'head.safetensors' of network Head is not in the build (looked for '{Files.File("head.safetensors")}')", missing.OutputLines[0], StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, matching.ExitCode);
        Assert.Equal(new[] { "Checked 1 file: 0 errors, 0 warnings." }, matching.OutputLines);
    }
}
