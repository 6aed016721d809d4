using System.Globalization;
using GroupNetDsl.Language.Reporting;

namespace GroupNetDsl.Language.Tests;

/// <summary>The torchinfo-like table that `gnet summary` prints and generated classes return.</summary>
public class SummaryTests
{
    [Fact]
    public void MiniGroupNet_summary_prints_the_notebooks_totals_with_thousands_separators()
    {
        string table = SummaryTable.Format(Gnet.Network(Gnet.MiniGroupNetText));

        Assert.Contains("Total params: 132,170\n", table);
        Assert.Contains("Total MACs: 83,626,496\n", table);
        Assert.StartsWith("Network MiniGroupNet, input 3x64x64, output 10\n", table);
    }

    [Fact]
    public void The_totals_are_formatted_the_same_whatever_the_current_culture()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // would print 132.170
            string table = SummaryTable.Format(network);

            Assert.Contains("Total params: 132,170\n", table);
            Assert.Contains("Total MACs: 83,626,496\n", table);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void There_is_one_row_per_node_with_its_path_op_shape_parameters_and_macs()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var rows = SummaryTable.Rows(network);

        Assert.Equal(network.Nodes.Select(n => n.Path), rows.Select(r => r.Path));
        var groupConv = Assert.Single(rows, r => r.Path == "stage1.group_conv.0");
        var pytorch = Reference.Layers("minigroupnet_g8").Single(l => l.Path == "stage1.group_conv.0");
        Assert.Equal(("conv", "64x32x32", pytorch.Parameters, pytorch.MultiplyAccumulates), (groupConv.Op, groupConv.OutputShape, groupConv.Parameters, groupConv.MultiplyAccumulates));
        Assert.Equal("64->64, 3x3, stride 2, pad 1, groups 8 (8 groups of 8->8)", groupConv.Details);
    }

    [Fact]
    public void Every_row_of_the_table_is_printed_with_its_formatted_counts()
    {
        string table = SummaryTable.Format(Gnet.Network(Gnet.MiniGroupNetText));
        var lines = table.Split('\n');

        var stem = Assert.Single(lines, l => l.StartsWith("  stem.0 ", StringComparison.Ordinal));
        Assert.Matches(@"^  stem\.0\s+conv\s+3->64, 3x3, pad 1\s+64x64x64\s+1,728\s+7,077,888$", stem);
        var fc = Assert.Single(lines, l => l.StartsWith("fc ", StringComparison.Ordinal));
        Assert.Matches(@"^fc\s+linear\s+256->10, bias\s+10\s+2,570\s+2,560$", fc);
        Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space in '{l}'"));
    }

    [Fact]
    public void Modules_come_before_their_layers_with_the_sum_of_pytorchs_counts_and_their_last_output()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var pytorch = Reference.Layers("minigroupnet_g8");
        var rows = SummaryTable.TreeRows(network);

        var stage1 = Assert.Single(rows, r => r.Path == "stage1");
        Assert.True(stage1.IsModule);
        Assert.Equal(0, stage1.Depth);
        var inStage1 = pytorch.Where(l => l.Path.StartsWith("stage1.", StringComparison.Ordinal)).ToList();
        Assert.Equal((inStage1.Sum(l => l.Parameters), inStage1.Sum(l => l.MultiplyAccumulates)), (stage1.Parameters, stage1.MultiplyAccumulates));
        // Its output is that of its last layer, the ReLU after the residual add.
        Assert.Equal(string.Join("x", pytorch.Single(l => l.Path == "stage1.act").OutputShape), stage1.OutputShape);
        var reduce = Assert.Single(rows, r => r.Path == "stage1.reduce");
        Assert.Equal(1, reduce.Depth);
        int at = rows.ToList().IndexOf(reduce);
        Assert.Equal(("stage1.reduce.0", 2, false), (rows[at + 1].Path, rows[at + 1].Depth, rows[at + 1].IsModule));
        Assert.Equal(11, rows.Count(r => r.IsModule));
        Assert.Equal(network.Nodes.Count, rows.Count(r => !r.IsModule));
    }

    [Fact]
    public void The_tensors_of_an_inline_chunk_are_layer_rows_like_other_inline_ops_not_a_module()
    {
        // chunk is a function in PyTorch, as relu and cat written inline are: its pieces are layer rows where the call
        // is. A block around a chunk is still a module.
        var network = Gnet.Network("""
            block Half(c) {
                forward(x) {
                    (p, q) = chunk(x, 2)
                    return cat(q, p)
                }
            }
            network Net(input: 8x8x8) {
                a = conv(4, 4, 1)
                h = Half(8)
                forward(x) {
                    (p, q) = chunk(x, 2)
                    y = relu(p)
                    return h(cat(a(y), q))
                }
            }
            """);

        var rows = SummaryTable.TreeRows(network);

        Assert.Equal(
            new[]
            {
                ("input", "input", 0, false), ("chunk.0", "narrow", 0, false), ("chunk.1", "narrow", 0, false), ("relu", "relu", 0, false),
                ("a", "conv", 0, false), ("cat", "cat", 0, false),
                ("h", "", 0, true), ("h.chunk.0", "narrow", 1, false), ("h.chunk.1", "narrow", 1, false), ("h.cat", "cat", 1, false),
            },
            rows.Select(r => (r.Path, r.Op, r.Depth, r.IsModule)));
    }

    [Fact]
    public void A_depth_limit_keeps_the_modules_at_that_depth_with_their_totals_and_hides_what_is_inside()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);

        var top = SummaryTable.TreeRows(network, maxDepth: 0);
        Assert.Equal(["input", "stem", "stage1", "stage2", "pool", "flatten", "fc"], top.Select(r => r.Path));
        Assert.Equal(132_170, top.Sum(r => r.Parameters));
        var one = SummaryTable.TreeRows(network, maxDepth: 1);
        Assert.Contains(one, r => r.Path == "stage1.reduce" && r.IsModule);
        Assert.Contains(one, r => r.Path == "stage1.add");
        Assert.DoesNotContain(one, r => r.Path == "stage1.reduce.0");
        Assert.DoesNotContain("stem.0", SummaryTable.Format(network, 0), StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_is_the_float32_bytes_of_the_input_the_parameters_and_every_output()
    {
        var network = Gnet.Network(Gnet.MiniGroupNetText);
        var pytorch = Reference.Layers("minigroupnet_g8");

        var memory = SummaryTable.Memory(network);

        Assert.Equal(3 * 64 * 64 * 4, memory.Input);
        Assert.Equal(132_170 * 4, memory.Parameters);
        // PyTorch's leaf modules' outputs, plus what its forward computes outside modules: the two residual adds and the flatten.
        long outputs = pytorch.Sum(l => l.OutputShape.Aggregate(1L, (product, d) => product * d));
        Assert.Equal((outputs + (128 * 32 * 32) + (256 * 16 * 16) + 256) * 4, memory.Activations);
        Assert.InRange(memory.Scratch, 4 * 64 * 64 * 64, memory.Activations);
        Assert.Contains("Activations (every layer's output): 13.76 MB\n", SummaryTable.Format(network), StringComparison.Ordinal);
    }

    [Fact]
    public void Depthwise_convolution_is_named_so_in_its_configuration()
    {
        var network = Gnet.Network("network N(input: 32x64x64) { module = DepthwiseSeparableConv(32, 64) }");

        Assert.Equal("32->32, 3x3, pad 1, depthwise (32 groups)", SummaryTable.Rows(network).Single(r => r.Path == "module.dw").Details);
        Assert.Contains("Total params: 2,464\n", SummaryTable.Format(network));
        Assert.Contains("Total MACs: 9,568,256\n", SummaryTable.Format(network));
    }
}
