using System.Collections.Generic;
using System.IO;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language;

/// <summary>The blocks that ship with the language, written in .gnet (embedded from StandardLibrary/Blocks.gnet).</summary>
public static class StandardLibrary
{
    /// <summary>The pseudo-path of the standard library; diagnostics never point here, they point at the call site.</summary>
    public const string FilePath = "<GroupNetDsl>/Blocks.gnet";

    public static SourceDocument Document { get; } = Load();

    /// <summary>The blocks, parsed once.</summary>
    public static IReadOnlyList<BlockSyntax> Blocks { get; } = Parser.Parse(Document, new DiagnosticBag()).Blocks;

    private static SourceDocument Load()
    {
        using var stream = typeof(StandardLibrary).Assembly.GetManifestResourceStream("GroupNetDsl.StandardLibrary.Blocks.gnet");
        using var reader = new StreamReader(stream!);
        return new SourceDocument(FilePath, reader.ReadToEnd());
    }
}
