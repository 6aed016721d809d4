using GroupNetDsl.Language.Ops;

namespace GroupNetDsl.Language.Tests;

/// <summary>
/// Forward blocks: statements that name tensors, one per line, then a return. What the parser accepts, the errors it
/// reports (with their exact spans) and how it recovers; how names bind.
/// </summary>
public class ForwardBlockTests
{
    private static (string Id, int Line, int Column, string Covered) Only(string text)
    {
        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);
        return (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, Gnet.Covered(text, diagnostic.Location));
    }

    [Fact]
    public void A_block_names_tensors_and_returns_one_with_the_same_graph_as_the_expression_form()
    {
        var block = Gnet.Network("""
            network N(input: 8x8x8) {
                a = conv(8, 8, 1)
                b = conv(8, 8, 1)
                forward(x) {
                    y = a(x)
                    z = b(y)
                    return y + z
                }
            }
            """);
        var expression = Gnet.Network("""
            network N(input: 8x8x8) {
                a = conv(8, 8, 1)
                b = conv(8, 8, 1)
                forward(x) = a(x) + b(a(x))
            }
            """);

        // The block computes a once; the expression form, which cannot name y, computes it twice.
        Assert.Equal(new[] { "input", "a", "b", "add" }, block.Nodes.Select(n => n.Path));
        Assert.Equal(new[] { "input", "a", "a", "b", "add" }, expression.Nodes.Select(n => n.Path));
        Assert.Equal(new[] { 1, 2 }, block.Nodes[3].Inputs);
    }

    [Fact]
    public void A_line_may_start_with_a_tuple_after_a_line_that_ends_with_a_name()
    {
        // y = x followed by (a, b) = ... on the next line is two statements, not the call x(a, b).
        var network = Gnet.Network("""
            network N(input: 8x8x8) {
                forward(x) {
                    y = x
                    (a, b) = chunk(y, 2)
                    return cat(b, a)
                }
            }
            """);

        Assert.Equal(new[] { "input", "chunk.0", "chunk.1", "cat" }, network.Nodes.Select(n => n.Path));
        Assert.Equal(new[] { 2, 1 }, network.Nodes[3].Inputs);
    }

    [Fact]
    public void A_one_line_block_and_a_parenthesized_single_name_are_fine()
    {
        var network = Gnet.Network("network N(input: 4x4x4) { forward(x) { (y) = relu(x)\n return y } }");

        Assert.Equal("relu", network.Nodes[network.OutputNode].Operation.OpName);
    }

    [Fact]
    public void An_unused_name_is_no_diagnostic_and_its_tensor_is_still_computed()
    {
        var result = Gnet.Compile("""
            network N(input: 8x8x8) {
                forward(x) {
                    unused = relu6(x)
                    return relu(x)
                }
            }
            """);

        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.Networks[0].Network!.Nodes, n => n.Path == "relu6");
    }

    [Fact]
    public void Each_block_instance_gets_its_own_names()
    {
        // The same statement names in two instances of a block are two scopes.
        var network = Gnet.Network("""
            block Half(c) {
                forward(x) {
                    (a, b) = chunk(x, 2)
                    return cat(b, a)
                }
            }
            network N(input: 8x4x4) {
                one = Half(8)
                two = Half(8)
            }
            """);

        Assert.Equal(new[] { "input", "one.chunk.0", "one.chunk.1", "one.cat", "two.chunk.0", "two.chunk.1", "two.cat" }, network.Nodes.Select(n => n.Path));
    }

    [Theory]
    [InlineData("x", "the forward input")]
    [InlineData("a", "a member")]
    [InlineData("c", "a block parameter")]
    public void A_statement_may_not_rebind_a_name_that_already_means_something(string name, string what)
    {
        string text = $$"""
            block B(c) {
                a = relu
                forward(x) {
                    {{name}} = relu6(x)
                    return a(x)
                }
            }
            network N(input: 8x4x4) { b = B(8) }
            """;

        Assert.True(Only(text) == ("GNET0211", 4, 9, name), what);
    }

    [Fact]
    public void The_same_name_twice_in_one_tuple_is_a_duplicate_at_the_second()
    {
        Assert.Equal(("GNET0211", 3, 13, "a"), Only("""
            network N(input: 8x4x4) {
                forward(x) {
                    (a, a) = chunk(x, 2)
                    return a
                }
            }
            """));
    }

    [Fact]
    public void One_tensor_given_to_two_names_is_GNET0233_at_the_names()
    {
        var result = Gnet.Compile("""
            network N(input: 8x4x4) {
                forward(x) {
                    (a, b) = relu(x)
                    return a
                }
            }
            """);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GNET0233", 3, 9, 6), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.Location.Length));
        Assert.Equal(new[] { "The expression", "1 tensor", "2 names receive it", "write one name: y = ..." }, diagnostic.Arguments);
    }

    [Fact]
    public void The_tensors_of_chunk_given_to_one_name_are_GNET0233()
    {
        var diagnostic = Assert.Single(Gnet.Compile("""
            network N(input: 8x4x4) {
                forward(x) {
                    halves = chunk(x, 2)
                    return x
                }
            }
            """).Diagnostics);

        Assert.Equal(("GNET0233", 3, 9), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(new[] { "'chunk'", "2 tensors (of 4, 4 channels)", "1 name receives them", "write 2 names: (x1, x2) = chunk(...)" }, diagnostic.Arguments);
    }

    [Fact]
    public void If_chooses_between_the_tensors_of_chunk_and_split_by_a_parameter()
    {
        string Text(bool even) => $$"""
            block B(even) {
                forward(x) {
                    (a, b) = if even then chunk(x, 2) else split(x, [2, 6])
                    return cat(b, a)
                }
            }
            network N(input: 8x4x4) = B({{(even ? "true" : "false")}})
            """;

        Assert.Equal(new[] { 4, 4 }, Gnet.Network(Text(true)).Nodes.Where(n => n.Operation is NarrowOp).Select(n => n.Output.Channels));
        Assert.Equal(new[] { 2, 6 }, Gnet.Network(Text(false)).Nodes.Where(n => n.Operation is NarrowOp).Select(n => n.Output.Channels));
    }

    // ---------------------------------------------------------------- syntax errors and recovery

    [Fact]
    public void A_missing_equals_in_a_statement_is_GNET0102_and_the_rest_of_the_file_is_still_checked()
    {
        const string text = """
            network N(input: 8x4x4) {
                forward(x) {
                    (a, b) chunk(x, 2)
                    return a
                }
            }
            network M(input: 8x4x4) {
                c = reul
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0102", 3, 16, "chunk"), ("GNET0207", 8, 9, "reul") },
            result.Diagnostics.Select(d => (d.Id, d.Location.Line, d.Location.Column, Gnet.Covered(text, d.Location))));
        Assert.Equal("'='", result.Diagnostics[0].Arguments[0]);
        Assert.Null(result.Networks[0].Network);
    }

    [Fact]
    public void A_bad_statement_reports_once_and_the_next_lines_are_parsed()
    {
        const string text = """
            network N(input: 8x4x4) {
                forward(x) {
                    y = relu(x +)
                    (a, b = chunk(y, 2)
                    z = relu(]
                    return a
                }
                r = relu
            }
            """;
        var result = Gnet.Compile(text);

        Assert.Equal(new[] { ("GNET0102", 3, 21, ")"), ("GNET0102", 4, 15, "="), ("GNET0102", 5, 18, "]") },
            result.Diagnostics.Select(d => (d.Id, d.Location.Line, d.Location.Column, Gnet.Covered(text, d.Location))));
        Assert.Equal("')'", result.Diagnostics[1].Arguments[0]);
    }

    [Fact]
    public void Two_statements_on_one_line_are_GNET0102_at_the_second()
    {
        const string text = "network N(input: 8x4x4) {\n    forward(x) {\n        y = relu(x) z = relu6(y)\n        return y\n    }\n}\n";

        Assert.Equal(("GNET0102", 3, 21, "z"), Only(text));
        Assert.Equal("a line break after the statement", Gnet.Compile(text).Diagnostics[0].Arguments[0]);
    }

    [Fact]
    public void An_unclosed_block_is_GNET0102_just_after_its_last_token()
    {
        const string text = "network N(input: 8x4x4) {\n    forward(x) {\n        return relu(x)\n";

        var diagnostic = Assert.Single(Gnet.Compile(text).Diagnostics);
        Assert.Equal(("GNET0102", 3, 23), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Equal(new[] { "'}'", "end of file" }, diagnostic.Arguments);
    }

    [Fact]
    public void A_broken_forward_block_binds_nothing_so_no_error_follows_from_it()
    {
        // Binding the good statements would report 'b' as unknown (its statement is broken) and 'a' as unused.
        const string text = """
            network N(input: 8x4x4) {
                a = conv(8, 8, 1)
                forward(x) {
                    y = a(x)
                    b = relu(y
                    return b
                }
            }
            """;

        Assert.Equal("GNET0102", Only(text).Id);
    }

    [Fact]
    public void Return_is_a_keyword_only_at_the_start_of_a_statement()
    {
        var network = Gnet.Network("""
            network N(input: 8x4x4) {
                forward(x) {
                    return = relu(x)
                    return return
                }
            }
            """);

        Assert.Equal("relu", network.Nodes[network.OutputNode].Operation.OpName);
    }
}
