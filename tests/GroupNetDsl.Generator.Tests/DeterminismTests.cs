using System.Collections.Immutable;
using GroupNetDsl.Generator.Tests.Harness;
using GroupNetDsl.Generator.Tests.Networks;
using Microsoft.CodeAnalysis;

namespace GroupNetDsl.Generator.Tests;

/// <summary>Proves generation is deterministic: fresh drivers, and additional files given in another order, give the same files with the same text.</summary>
public sealed class DeterminismTests
{
    [Fact]
    public void Two_fresh_runs_generate_identical_text()
    {
        var first = Generate(Project(), order: null);
        var second = Generate(Project(), order: null);
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_order_of_additional_files_does_not_matter()
    {
        var inOrder = Generate(Project(), order: null);
        var reversed = Generate(Project(), order: texts => texts.Reverse().ToImmutableArray());
        var shuffled = Generate(Project(), order: texts => Shuffle(texts, new Random(7)));
        Assert.Equal(inOrder, reversed);
        Assert.Equal(inOrder, shuffled);
    }

    /// <summary>The seed networks plus every test network: many .gnet files, blocks across files, an attribute class.</summary>
    private static GeneratorHarness Project()
    {
        var harness = SeedNetworks.Project();
        foreach (var spec in RandomNetworks.All) harness.WithGnet($"/project/nets/{spec.Name}.gnet", spec.GnetText());
        return harness;
    }

    private static ImmutableArray<AdditionalText> Shuffle(ImmutableArray<AdditionalText> texts, Random random)
    {
        var items = texts.ToArray();
        random.Shuffle(items);
        return items.ToImmutableArray();
    }

    /// <summary>Hint name and text of every generated file, in the order the driver reports them (which is also the order of the syntax trees).</summary>
    private static List<KeyValuePair<string, string>> Generate(GeneratorHarness harness, Func<ImmutableArray<AdditionalText>, ImmutableArray<AdditionalText>>? order)
    {
        var texts = harness.AdditionalTexts();
        var run = GeneratorRun.From(harness.CreateDriver(order is null ? texts : order(texts)), harness.CreateCompilation());
        run.AssertGeneratorDidNotFail();
        return run.Files.Select(f => KeyValuePair.Create(f.HintName, f.Text)).ToList();
    }
}
