using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GroupNetDsl.Language.Diagnostics;
using GroupNetDsl.Language.Syntax;
using GroupNetDsl.Language.Text;

namespace GroupNetDsl.Language;

/// <summary>
/// The blocks that ship with the language, written in .gnet: the seed's blocks (embedded from StandardLibrary/Blocks.gnet)
/// and the model zoo, torchvision's networks with their state_dict names (StandardLibrary/Zoo/*.gnet).
/// </summary>
public static class StandardLibrary
{
    /// <summary>The pseudo-path of the standard library; diagnostics never point here, they point at the call site.</summary>
    public const string FilePath = Folder + "Blocks.gnet";

    /// <summary>The pseudo-folder of every shipped file.</summary>
    private const string Folder = "<GroupNetDsl>/";

    private const string ZooResourcePrefix = "GroupNetDsl.StandardLibrary.Zoo.";

    public static SourceDocument Document { get; } = Load("GroupNetDsl.StandardLibrary.Blocks.gnet", FilePath);

    /// <summary>The blocks, parsed once.</summary>
    public static IReadOnlyList<BlockSyntax> Blocks { get; } = Parser.Parse(Document, new DiagnosticBag()).Blocks;

    /// <summary>The model zoo's files (one per torchvision family), in ordinal order of their names.</summary>
    public static IReadOnlyList<SourceDocument> ZooDocuments { get; } = typeof(StandardLibrary).Assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith(ZooResourcePrefix, StringComparison.Ordinal))
        .OrderBy(name => name, StringComparer.Ordinal)
        .Select(name => Load(name, Folder + "Zoo/" + name.Substring(ZooResourcePrefix.Length)))
        .ToList();

    /// <summary>The model zoo's blocks (networks such as <c>mobilenet_v2</c> and the blocks they are built from), parsed once.</summary>
    public static IReadOnlyList<BlockSyntax> ZooBlocks { get; } = ZooDocuments.SelectMany(document => Parser.Parse(document, new DiagnosticBag()).Blocks).ToList();

    /// <summary>Whether <paramref name="filePath"/> is one of the shipped files (whose locations mean nothing to a user).</summary>
    public static bool Contains(string filePath) => filePath.StartsWith(Folder, StringComparison.Ordinal);

    private static SourceDocument Load(string resourceName, string filePath)
    {
        using var stream = typeof(StandardLibrary).Assembly.GetManifestResourceStream(resourceName);
        using var reader = new StreamReader(stream!);
        return new SourceDocument(filePath, reader.ReadToEnd());
    }
}
