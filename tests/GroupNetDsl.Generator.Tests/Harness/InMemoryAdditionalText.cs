using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GroupNetDsl.Generator.Tests.Harness;

/// <summary>A .gnet file handed to the generator as an additional file, the way MSBuild's AdditionalFiles are.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
