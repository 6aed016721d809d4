using GroupNetDsl.Language.Emit;
using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// cat, chunk, split, narrow and channel_shuffle: their shapes by PyTorch's rules (written out here), their checks, and
/// the plan that makes chunk's tensors views of their input at an offset.
/// </summary>
public class ChannelOpTests
{
    /// <summary>The channels of the narrow nodes a forward block's first statement makes on an input of <paramref name="channels"/>.</summary>
    private static int[] Pieces(int channels, string call, int names)
    {
        string targets = "(" + string.Join(", ", Enumerable.Range(0, names).Select(i => "t" + i)) + ")";
        var network = Gnet.Network($$"""
            network N(input: {{channels}}x3x3) {
                forward(x) {
                    {{targets}} = {{call}}
                    return cat({{string.Join(", ", Enumerable.Range(0, names).Select(i => "t" + i))}})
                }
            }
            """);
        return network.Nodes.Where(n => n.Operation is NarrowOp).Select(n => n.Output.Channels).ToArray();
    }

    /// <summary>torch.chunk: pieces of ceil(C / chunks) channels, the last one what is left, so maybe fewer than chunks.</summary>
    private static int[] TorchChunk(int channels, int chunks)
    {
        int size = (channels + chunks - 1) / chunks;
        var pieces = new List<int>();
        for (int start = 0; start < channels; start += size) pieces.Add(Math.Min(size, channels - start));
        return pieces.ToArray();
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(8, 3)]
    [InlineData(5, 4)]  // PyTorch gives 3 pieces: 2, 2, 1
    [InlineData(4, 8)]  // 4 pieces of 1
    [InlineData(7, 1)]
    [InlineData(6, 4)]  // 2, 2, 2: three pieces
    public void Chunk_cuts_the_channels_as_torch_chunk_does(int channels, int chunks)
    {
        var expected = TorchChunk(channels, chunks);

        Assert.Equal(expected, Pieces(channels, $"chunk(x, {chunks})", expected.Length));
    }

    [Fact]
    public void Split_takes_channel_counts_or_one_size_as_torch_split_does()
    {
        Assert.Equal(new[] { 3, 1, 4 }, Pieces(8, "split(x, [3, 1, 4])", 3));
        Assert.Equal(new[] { 3, 3, 2 }, Pieces(8, "split(x, 3)", 3));
        Assert.Equal(new[] { 8 }, Pieces(8, "split(x, 16, dim: 1)", 1));
        Assert.Equal(new[] { 4, 4 }, Pieces(8, "chunk(x, 2, dim: -3)", 2));
    }

    [Fact]
    public void Chunk_gives_views_at_the_offset_of_each_channel_range()
    {
        var network = Gnet.Network("""
            network N(input: 6x4x5) {
                forward(x) {
                    (a, b, c) = chunk(x, 3)
                    return cat(relu(c), b)
                }
            }
            """);
        var plan = ExecutionPlan.Create(network);

        // One image is 6 planes of 20 floats: piece i starts at plane 2i.
        var pieces = network.Nodes.Where(n => n.Operation is NarrowOp).ToList();
        Assert.Equal(new[] { (0L, 40), (40L, 40), (80L, 40) }, pieces.Select(p => (plan.Buffers[p.Index].Offset, plan.Buffers[p.Index].Length)));
        Assert.All(pieces, p => Assert.Equal(BufferKind.Input, plan.Buffers[p.Index].Kind));
        Assert.DoesNotContain(plan.Steps, s => s.Primary.Operation is NarrowOp);

        string code = CSharpEmitter.Emit(network, new EmitTarget("Test", "N", Standalone: true));
        Assert.Contains("input.Slice(80, 40)", code);
        Assert.Contains("input.Slice(40, 40)", code);
    }

    [Fact]
    public void A_part_of_a_tensor_as_the_output_is_copied_out_of_it()
    {
        var network = Gnet.Network("""
            network N(input: 3x4x4) {
                c = conv(3, 8, 1)
                forward(x) = narrow(c(x), 2, 4)
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.True(plan.CopyToOutput);
        var conv = plan.Buffers[1];
        var output = plan.Buffers[network.OutputNode];
        Assert.Equal((BufferKind.Scratch, 8 * 16), (conv.Kind, conv.Length));
        Assert.Equal((BufferKind.Scratch, conv.Offset + 2 * 16, 4 * 16), (output.Kind, output.Offset, output.Length));
    }

    [Fact]
    public void Cat_adds_up_channels_and_joins_vectors_too()
    {
        var images = Gnet.Network("network N(input: 3x4x5) { forward(x) = cat(x, relu(x), x) }");
        var vectors = Gnet.Network("network N(input: 3x4x5) { forward(x) = cat(flatten(x), flatten(x)) }");
        var single = Gnet.Network("network N(input: 3x4x5) { forward(x) = cat(x) }");

        Assert.Equal(Model.TensorShape.Chw(9, 4, 5), images.Output);
        Assert.Equal(Model.TensorShape.Flat(120), vectors.Output);
        Assert.Equal(Model.TensorShape.Chw(3, 4, 5), single.Output);
    }

    [Fact]
    public void A_shuffle_that_alone_reads_a_cat_is_done_by_the_cat_in_one_copy()
    {
        var network = Gnet.Network("""
            network N(input: 4x3x5) {
                forward(x) {
                    (a, b) = chunk(x, 2)
                    return channel_shuffle(cat(a, relu(b)), 2)
                }
            }
            """);
        var plan = ExecutionPlan.Create(network);

        var cat = Assert.Single(plan.Steps, s => s.Primary.Operation is CatOp);
        Assert.IsType<ChannelShuffleOp>(cat.FusedShuffle?.Operation);
        Assert.Same(cat.FusedShuffle, cat.Last);
        Assert.DoesNotContain(plan.Steps, s => s.Primary.Operation is ChannelShuffleOp);
        string code = CSharpEmitter.Emit(network, new EmitTarget("Test", "N", Standalone: true));
        Assert.Contains("ChannelKernels.ShufflePart(part0, firstChannel: 0, output, channels: 4, groups: 2);", code);
        Assert.Contains("ChannelKernels.ShufflePart(part1, firstChannel: 2, output, channels: 4, groups: 2);", code);
        Assert.DoesNotContain("ChannelKernels.Shuffle(", code);
    }

    [Fact]
    public void Steps_that_only_a_shuffled_cat_reads_write_every_groups_th_channel_of_it()
    {
        // ShuffleNetV2's stride-2 unit, then its stride-1 unit, whose kept half is a view of the unit's input.
        var network = Gnet.Network("""
            block Unit(c, s) {
                left = if s > 1 then [conv(c, c, 3, stride: s, padding: 1, groups: c), conv(c, c, 1), relu] else []
                right = [conv(c, c, 1), relu, conv(c, c, 3, stride: s, padding: 1, groups: c), conv(c, c, 1), relu]
                forward(x) {
                    (a, b) = chunk(x, 2)
                    return channel_shuffle(if s > 1 then cat(left(x), right(x)) else cat(a, right(b)), 2)
                }
            }
            network N(input: 8x6x6) = [Unit(8, 2), Unit(8, 1)]
            """);
        var plan = ExecutionPlan.Create(network);

        var cats = plan.Steps.Where(s => s.Primary.Operation is CatOp).ToList();
        Assert.Equal(2, cats.Count);
        var into = plan.Steps.Where(s => s.Into is not null).ToList();
        Assert.Equal(3, into.Count);
        Assert.Equal([new CatSlot(cats[0].Last.Index, 0, 2), new CatSlot(cats[0].Last.Index, 1, 2), new CatSlot(cats[1].Last.Index, 1, 2)], into.Select(s => s.Into));
        Assert.Equal(into.Take(2).Select(s => s.Last.Index), cats[0].InPlaceOperands);
        Assert.Equal([into[2].Last.Index], cats[1].InPlaceOperands);
        // 8 channels of 3x3 from plane 1 of the output, two planes apart: 15 planes.
        Assert.Equal(new BufferSlice(BufferKind.Output, 9, 15 * 9), plan.Buffers[into[2].Last.Index]);
        Assert.Equal(new BufferSlice(BufferKind.Output, 0, 16 * 9), plan.Buffers[cats[1].Last.Index]);

        string code = CSharpEmitter.Emit(network, new EmitTarget("Test", "N", Standalone: true));
        Assert.Contains("outputChannelStride: 18", code);
        Assert.Contains("output.Slice(9, 135), _groupNetTeam);", code);
        Assert.Contains("// (each operand was written into its place by the step that computed it)", code);
        // The second cat copies only the kept half.
        Assert.Contains("ChannelKernels.ShufflePart(part0, firstChannel: 0, output, channels: 16, groups: 2);", code);
        Assert.DoesNotContain("part1", code);
    }

    [Theory]
    [InlineData("cat(relu(x), sigmoid(x))", 2)]                       // any step writes into a plain cat's channels
    [InlineData("cat(relu(x), relu(x))", 2)]                          // two steps alike, each into its own channels
    [InlineData("cat(x, relu(x))", 1)]                                // a view of the input is copied
    [InlineData("channel_shuffle(cat(relu(x), sigmoid(x)), 2)", 0)]   // only a separable step writes channels apart
    [InlineData("channel_shuffle(cat(relu(x), x), 2) + cat(x, x)", 0)]   // nor views
    public void Steps_that_only_a_cat_reads_write_into_their_channels(string forward, int inPlace)
    {
        var network = Gnet.Network($"network N(input: 4x3x5) {{ forward(x) = {forward} }}");
        var plan = ExecutionPlan.Create(network);

        Assert.Equal(inPlace, plan.Steps.Count(s => s.Into is not null));
        Assert.Equal(inPlace, plan.Steps.Where(s => s.Primary.Operation is CatOp).Sum(s => s.InPlaceOperands.Count));
        foreach (var step in plan.Steps.Where(s => s.Into is not null))
        {
            Assert.Equal(1, step.Into!.PlaneStride);
            Assert.Equal(new BufferSlice(BufferKind.Output, step.Into.FirstPlane * 15, 60), plan.Buffers[step.Last.Index]);
        }
    }

    [Fact]
    public void A_cat_read_by_more_than_its_shuffle_is_written_whole_then_shuffled()
    {
        var network = Gnet.Network("""
            network N(input: 4x3x5) {
                forward(x) {
                    y = cat(x, x)
                    return channel_shuffle(y, 2) + y
                }
            }
            """);
        var plan = ExecutionPlan.Create(network);

        Assert.Null(Assert.Single(plan.Steps, s => s.Primary.Operation is CatOp).FusedShuffle);
        Assert.Single(plan.Steps, s => s.Primary.Operation is ChannelShuffleOp);
    }

    [Fact]
    public void Channel_shuffle_keeps_the_shape()
    {
        var network = Gnet.Network("network N(input: 12x4x5) { forward(x) = channel_shuffle(x, 3) }");

        Assert.Equal(Model.TensorShape.Chw(12, 4, 5), network.Output);
        Assert.Equal(new ChannelShuffleOp(3), network.Nodes[1].Operation);
    }

    public static TheoryData<string, string, string, string> Errors => new()
    {
        // forward expression, id, the text it covers, its last message argument
        { "cat(x, flatten(x))", "GNET0230", "cat(x, flatten(x))", "make every operand 4x4 like the first (or flatten them all)" },
        { "cat(flatten(x), x)", "GNET0230", "cat(flatten(x), x)", "join vectors with vectors: flatten the images first" },
        { "cat()", "GNET0210", "cat()", "input tensor" },
        { "channel_shuffle(flatten(x), 2)", "GNET0215", "channel_shuffle(flatten(x), 2)", "shuffle the channels before flatten" },
        { "channel_shuffle(x, 0)", "GNET0214", "0", "0" },
        { "narrow(x, 0, 0)", "GNET0214", "0", "0" },
        { "narrow(x, -1, 2)", "GNET0214", "-1", "-1" },
        { "cat(x, x, dim: 2)", "GNET0214", "2", "2" },
        { "channel_shuffle(x, 2.5)", "GNET0209", "2.5", "the number 2.5" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Bad_arguments_are_reported_where_they_are_written(string forward, string id, string covered, string last)
    {
        string text = "network N(input: 6x4x4) {\n    forward(x) = " + forward + "\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);
        Assert.Equal((id, covered), (diagnostic.Id, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal(last, diagnostic.Arguments[^1]);
    }

    public static TheoryData<string, string, string, string> SplitErrors => new()
    {
        // split arguments, id, covered, its last message argument
        { "[4, 0, 2]", "GNET0214", "[4, 0, 2]", "0" },
        { "[]", "GNET0214", "[]", "an empty list" },
        { "[4, 2.0]", "GNET0209", "2.0", "the number 2" },
        { "[4, x]", "GNET0209", "x", "a tensor of shape 6x4x4" },
        { "0", "GNET0214", "0", "0" },
        { "true", "GNET0209", "true", "true" },
        { "[4, 4]", "GNET0231", "[4, 4]", "input 6x4x4" },
    };

    [Theory]
    [MemberData(nameof(SplitErrors))]
    public void Bad_split_sizes_are_reported_at_the_sizes(string sizes, string id, string covered, string last)
    {
        string text = "network N(input: 6x4x4) {\n    forward(x) {\n        (a, b) = split(x, " + sizes + ")\n        return a\n    }\n}\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);
        Assert.Equal((id, covered), (diagnostic.Id, Gnet.Covered(text, diagnostic.Location)));
        Assert.Equal(last, diagnostic.Arguments[^1]);
    }

    [Fact]
    public void A_valid_shuffle_group_list_is_shortened_for_channels_with_many_divisors()
    {
        var diagnostic = Assert.Single(Gnet.Compile("network N(input: 720x2x2) { forward(x) = channel_shuffle(x, 7) }").Diagnostics);

        Assert.Equal("1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, ..., 720", diagnostic.Arguments[^1]);
    }

    [Fact]
    public void The_summary_names_each_piece_and_its_channels()
    {
        var network = Gnet.Network("network N(input: 8x2x2) { forward(x) { (a, b) = chunk(x, 2)\n return cat(b, a) } }");

        var rows = Reporting.SummaryTable.Rows(network);
        Assert.Equal(("chunk.1", "narrow", "channels 4..7", "4x2x2"), (rows[2].Path, rows[2].Op, rows[2].Details, rows[2].OutputShape));
        Assert.Equal(("cat", "cat", "along channels", "8x2x2"), (rows[3].Path, rows[3].Op, rows[3].Details, rows[3].OutputShape));
    }
}
